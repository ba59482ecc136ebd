import { request } from 'undici';

export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus text format 0.0.4 (sample lines only), unescaping label values. */
export function parseExposition(text: string): ParsedSample[] {
  const out: ParsedSample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/gy;
    let lm: RegExpExecArray | null;
    let consumed = 0;
    while ((lm = re.exec(body))) {
      labels[lm[1]!] = lm[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      consumed = re.lastIndex;
    }
    if (consumed !== body.length) throw new Error(`bad labels in: ${line}`);
    const v = m[3]!;
    const value = v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : v === 'NaN' ? NaN : Number(v);
    out.push({ name: m[1]!, labels, value });
  }
  return out;
}

export interface Scrape {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  samples: ParsedSample[];
}

/** GET <url> (an exporter base URL or its /metrics URL) and parse the answer. */
export async function scrape(url: string, headers: Record<string, string> = {}): Promise<Scrape> {
  const target = url.endsWith('/metrics') ? url : `${url.replace(/\/$/, '')}/metrics`;
  const res = await request(target, { headers });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, samples: res.statusCode === 200 ? parseExposition(text) : [] };
}

/** Samples of one metric whose labels include every given label. */
export function find(samples: ParsedSample[], name: string, labels: Record<string, string> = {}): ParsedSample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}
