import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import type { MetricFamily, Sample } from './series.js';

const gzip = promisify(gzipCb);

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export function escapeLabelValue(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`)) : value;
}

function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/** Lines of one target, grouped by metric name, each line ending in a newline. */
export interface RenderedTarget {
  byName: Map<string, string>;
  series: number;
  /** Samples dropped because their name or a label name is not valid in the text format. */
  invalid: string[];
}

/**
 * Renders the samples of one target once per swap. The same series produced by
 * two parts (two tokens seeing the same quota) is written once: duplicates
 * would make the whole scrape invalid.
 */
export function renderTarget(target: string, parts: Iterable<Sample[]>): RenderedTarget {
  const prefix = `target="${escapeLabelValue(target)}"`;
  const seen = new Set<string>();
  const lines = new Map<string, string[]>();
  const invalid: string[] = [];
  for (const samples of parts) {
    for (const s of samples) {
      let series = `${s.name}{${prefix}`;
      let ok = METRIC_NAME.test(s.name);
      for (const label in s.labels) {
        if (!LABEL_NAME.test(label) || label === 'target') ok = false;
        series += `,${label}="${escapeLabelValue(s.labels[label]!)}"`;
      }
      series += '}';
      if (!ok) {
        if (invalid.length < 10) invalid.push(series);
        continue;
      }
      if (seen.has(series)) continue;
      seen.add(series);
      let list = lines.get(s.name);
      if (!list) lines.set(s.name, (list = []));
      list.push(`${series} ${formatValue(s.value)}\n`);
    }
  }
  const byName = new Map<string, string>();
  for (const [name, list] of lines) byName.set(name, list.join(''));
  return { byName, series: seen.size, invalid };
}

/**
 * The text of one source kind: every family once, with its HELP and TYPE,
 * followed by the lines of every target in configuration order. A name no
 * family declares is still written, as an untyped gauge, rather than lost.
 */
export function renderKind(families: MetricFamily[], targets: RenderedTarget[]): string {
  const out: string[] = [];
  const declared = new Set<string>();
  const write = (name: string, help: string, type: string) => {
    const body = targets.map((t) => t.byName.get(name) ?? '').join('');
    if (!body) return;
    out.push(`# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`, body);
  };
  for (const f of families) {
    if (declared.has(f.name)) continue;
    declared.add(f.name);
    write(f.name, f.help, f.type);
  }
  const extra = new Set<string>();
  for (const t of targets) for (const name of t.byName.keys()) if (!declared.has(name)) extra.add(name);
  for (const name of [...extra].sort()) write(name, `${name} (no description).`, 'gauge');
  return out.join('');
}

export interface CachedText {
  text: Buffer;
  gzip: Buffer;
}

export async function cacheText(text: string): Promise<CachedText> {
  const buf = Buffer.from(text, 'utf8');
  return { text: buf, gzip: await gzip(buf) };
}
