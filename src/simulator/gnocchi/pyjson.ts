/**
 * Gnocchi's bodies as Python's json.dumps writes them: `", "` and `": "`
 * between items, non-ASCII escaped as `\uXXXX`, and floats as Python holds
 * them (`300.0`, bare `NaN`, `Infinity`), so that a client meets the same
 * bytes as from the real server.
 */

/** A number that is a float in Gnocchi (granularities and values): written `4.0`, never `4`. */
export class PyFloat {
  constructor(readonly value: number) {}
}

const FLOAT_MARK = '\u0000';

/** Python's repr of a float: shortest round-trip digits, exponent below 1e-4 and from 1e16. */
export function floatRepr(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  if (Object.is(v, -0)) return '-0.0';
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [mantissa = '', exponent = '0'] = v.toExponential().split('e');
    const exp = Number(exponent);
    return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return Number.isInteger(v) ? `${String(v)}.0` : String(v);
}

const TOKENS = /"(?:[^"\\]|\\.)*"|[,:]/g;

function asciiOnly(text: string): string {
  return text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function pyJson(value: unknown): string {
  const marked = JSON.stringify(value, (_key, v: unknown) => (v instanceof PyFloat ? `${FLOAT_MARK}${floatRepr(v.value)}` : v));
  return marked.replace(TOKENS, (token) => {
    if (token === ',') return ', ';
    if (token === ':') return ': ';
    if (token.startsWith('"\\u0000')) return token.slice(7, -1);
    return asciiOnly(token);
  });
}

/** Python's repr of a str: in single quotes, unless it holds one and no double quote. */
export function strRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const body = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(new RegExp(quote, 'g'), `\\${quote}`);
  return `${quote}${body}${quote}`;
}

/** Python's repr of a JSON-like value, as webob's plain-text error pages show a description (sets and tuples come out as lists). */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value instanceof PyFloat) return floatRepr(value.value);
  if (typeof value === 'string') return strRepr(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : floatRepr(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${strRepr(k)}: ${pyRepr(v)}`)
      .join(', ')}}`;
  return 'None';
}
