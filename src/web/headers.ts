import type { Reader } from './yaml-reader.js';
import { child } from './yaml-reader.js';

/**
 * exporter-toolkit lets a web config add only these response headers, and
 * checks the values of those that are enumerations; the restriction is on
 * purpose (one behaviour across the Prometheus ecosystem), so it is kept.
 * Names are matched exactly, as Go's map lookup does.
 */
const ALLOWED: Record<string, readonly string[] | undefined> = {
  'Strict-Transport-Security': undefined,
  'X-Content-Type-Options': ['nosniff'],
  'X-Frame-Options': ['deny', 'sameorigin'],
  'X-XSS-Protection': undefined,
  'Content-Security-Policy': undefined,
};

/** Reads http_server_config.headers; a blank value means "unset", as documented upstream. */
export function readHeaders(node: unknown, path: string, r: Reader): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of r.mapping(node, path)) {
    const at = child(path, name);
    if (!Object.hasOwn(ALLOWED, name)) {
      r.problem(at, `header cannot be configured (allowed: ${Object.keys(ALLOWED).join(', ')})`);
      continue;
    }
    const text = r.string(value, at);
    if (!text) continue;
    const values = ALLOWED[name];
    if (values && !values.includes(text)) {
      r.problem(at, `must be one of ${values.join(', ')}, not ${JSON.stringify(text)}`);
      continue;
    }
    // A CR or LF would let the config inject headers; Node would throw at the first response.
    if (/[^\t\x20-\x7e\x80-\xff]/.test(text)) {
      r.problem(at, 'must not contain control characters or characters beyond Latin-1');
      continue;
    }
    out[name] = text;
  }
  return out;
}
