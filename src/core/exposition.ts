import { once } from 'node:events';
import { promisify } from 'node:util';
import { createGzip, gunzip as gunzipCb } from 'node:zlib';
import type { MetricFamily } from './family.js';
import type { Labels, Sample } from './series.js';

const gunzip = promisify(gunzipCb);

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

const NEEDS_ESCAPE = /[\\"\n]/;

/** Most values need no escaping; the test is much cheaper than the replace. */
export function escapeLabelValue(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`)) : value;
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

/**
 * The samples of one part as text lines by metric name, rendered as soon as
 * the part is produced, so that the work is spread over the cycle and a swap
 * only concatenates. Two parallel arrays rather than a Map: a part lives a
 * whole cycle, hundreds of thousands of them at scale, and every object it
 * holds is copied by the young-generation collector on its way to the old one.
 */
export interface RenderedPart {
  /** Metric names, each once. */
  names: string[];
  /** The lines of `names[i]`, joined. */
  texts: string[];
  series: number;
  /** Samples dropped because their name or a label name is not valid in the text format. */
  invalid: readonly string[];
}

const NONE_INVALID: readonly string[] = Object.freeze([]);

/** One metric name's lines while a part is rendered. */
interface NameLines {
  name: string;
  head: string;
  lines: string[];
  /** Label texts seen, made on the name's second line: most names of a part have one. */
  seen?: Set<string>;
  first: string;
}

const validNames = new Set<string>();
const labelPrefixes = new Map<string, string>();

function labelPrefix(label: string): string | undefined {
  let prefix = labelPrefixes.get(label);
  if (prefix === undefined) {
    if (!LABEL_NAME.test(label) || label === 'target') return undefined;
    prefix = `,${label}="`;
    if (labelPrefixes.size < 10_000) labelPrefixes.set(label, prefix);
  }
  return prefix;
}

function validName(name: string): boolean {
  if (validNames.has(name)) return true;
  if (!METRIC_NAME.test(name)) return false;
  if (validNames.size < 10_000) validNames.add(name);
  return true;
}

/**
 * Renders one part. A series repeated within the part is written once;
 * across parts a series must belong to one part only (each source keys its
 * parts so), as checking that would cost a set of every series per swap.
 */
export function renderPart(samples: readonly Sample[], target: string): RenderedPart {
  const targetLabel = `{target="${escapeLabelValue(target)}"`;
  // A part has a handful of names, met in runs: a scan from the last one beats a Map.
  const entries: NameLines[] = [];
  let invalid: string[] | undefined;
  let series = 0;
  let lastLabels: Labels | undefined;
  let lastText: string | undefined;
  let entry: NameLines | undefined;
  for (const s of samples) {
    let text: string | undefined;
    if (s.labels === lastLabels) {
      text = lastText;
    } else {
      text = '';
      for (const label in s.labels) {
        const prefix = labelPrefix(label);
        if (prefix === undefined) {
          text = undefined;
          break;
        }
        text += prefix + escapeLabelValue(s.labels[label]!) + '"';
      }
      lastLabels = s.labels;
      lastText = text;
    }
    if (entry?.name !== s.name) entry = find(entries, s.name);
    if (text === undefined || (!entry && !validName(s.name))) {
      invalid ??= [];
      if (invalid.length < 10) invalid.push(`${s.name}${JSON.stringify(s.labels)}`);
      continue;
    }
    if (!entry) {
      entry = { name: s.name, head: s.name + targetLabel, lines: [], first: text };
      entries.push(entry);
    } else if (entry.seen) {
      if (entry.seen.has(text)) continue;
      entry.seen.add(text);
    } else {
      if (entry.first === text) continue;
      entry.seen = new Set([entry.first, text]);
    }
    entry.lines.push(entry.head + text + '} ' + formatValue(s.value) + '\n');
    series += 1;
  }
  const names = new Array<string>(entries.length);
  const texts = new Array<string>(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    names[i] = e.name;
    texts[i] = e.lines.length === 1 ? flatten(e.lines[0]!) : e.lines.join('');
  }
  return { names, texts, series, invalid: invalid ?? NONE_INVALID };
}

function find(entries: readonly NameLines[], name: string): NameLines | undefined {
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i]!.name === name) return entries[i];
  return undefined;
}

/**
 * A one-line part's text would otherwise stay a rope of its five pieces for as
 * long as the part lives; converting to a number makes V8 flatten it in place.
 */
function flatten(text: string): string {
  Number(text);
  return text;
}

/** The parts' texts of one target by metric name: references, not copies, joined once per kind. */
export interface RenderedTarget {
  byName: Map<string, string[]>;
  series: number;
}

export function renderTarget(parts: Iterable<RenderedPart>): RenderedTarget {
  const byName = new Map<string, string[]>();
  let series = 0;
  for (const part of parts) {
    series += part.series;
    for (let i = 0; i < part.names.length; i++) {
      const name = part.names[i]!;
      const list = byName.get(name);
      if (list) list.push(part.texts[i]!);
      else byName.set(name, [part.texts[i]!]);
    }
  }
  return { byName, series };
}

/**
 * The text of one source kind, in pieces to be written out in order: every
 * family once, with its HELP and TYPE, followed by the lines of every target
 * in configuration order. A name no family declares is still written, as an
 * untyped gauge, rather than lost.
 */
export function renderKind(families: readonly MetricFamily[], targets: readonly RenderedTarget[]): string[] {
  const out: string[] = [];
  const declared = new Set<string>();
  const write = (name: string, help: string, type: string) => {
    const texts = targets.flatMap((t) => t.byName.get(name) ?? []);
    if (!texts.length) return;
    out.push(`# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`);
    for (const text of texts) out.push(text);
  };
  for (const f of families) {
    if (declared.has(f.name)) continue;
    declared.add(f.name);
    write(f.name, f.help, f.type);
  }
  const extra = new Set<string>();
  for (const t of targets) for (const name of t.byName.keys()) if (!declared.has(name)) extra.add(name);
  for (const name of [...extra].sort()) write(name, `${name} (no description).`, 'gauge');
  return out;
}

/**
 * One kind's exposition, kept compressed only: Prometheus always asks for
 * gzip, and at 100k series the plain text would double the memory it takes.
 * The plain text is made on the first scrape without gzip and kept until the
 * next swap replaces this object.
 */
export class CachedText {
  private plainText?: Promise<Buffer>;

  /** `gzip` is one gzip member, or empty for a kind with no series yet. */
  constructor(readonly gzip: Buffer) {}

  plain(): Promise<Buffer> {
    this.plainText ??= this.gzip.length ? gunzip(this.gzip, { chunkSize: BATCH }) : Promise.resolve(Buffer.alloc(0));
    return this.plainText;
  }
}

/**
 * Text handed to the compressor in batches of this many bytes, and the size
 * of each buffer zlib writes its output into. zlib's own 16 KB would come
 * from malloc's heap, where those of a whole swap stay until a full
 * collection frees them, a cycle later, and the blocks allocated among them
 * meanwhile pin that heap at a higher mark cycle after cycle (the soak's
 * creep). Buffers of this size are past malloc's mapping threshold
 * (MALLOC_ENV in heap.ts), so each is mapped on its own and given back whole.
 */
const BATCH = 1 << 18;

/**
 * Compresses the pieces as a stream: neither the joined string nor the plain
 * buffer of a large kind ever exists whole, and the event loop gets a turn
 * between batches. Level 1: a fifth of the default level's CPU for a body a
 * little larger. Pieces are encoded straight into one of two batch buffers,
 * each filled again once zlib has read it. A batch built as a string is a
 * rope that V8 must flatten into a fresh large-object page, only for the
 * stream to encode it into a fresh buffer, and neither is freed before the
 * next collection: tens of MB at 100k series.
 */
export async function cacheText(pieces: readonly string[]): Promise<CachedText> {
  const zip = createGzip({ level: 1, chunkSize: BATCH });
  const out: Buffer[] = [];
  zip.on('data', (chunk: Buffer) => out.push(chunk));
  const ended = once(zip, 'end');
  // `ended` and each write are awaited later, if at all: a zlib error before then must not go unhandled.
  ended.catch(() => {});
  const buffers = [Buffer.allocUnsafeSlow(BATCH), Buffer.allocUnsafeSlow(BATCH)];
  let current = 0;
  let used = 0;
  /** The write of the other buffer, which may be filled again once zlib has read it. */
  let other: Promise<void> = Promise.resolve();
  const write = (chunk: Buffer | string) => {
    const read = new Promise<void>((resolve, reject) => zip.write(chunk, (err) => (err ? reject(err) : resolve())));
    read.catch(() => {});
    return read;
  };
  for (const piece of pieces) {
    // No UTF-16 unit takes more than 3 bytes in UTF-8, so a piece within this bound fits whole.
    if (piece.length * 3 > BATCH - used) {
      if (used > 0) {
        const read = write(buffers[current]!.subarray(0, used));
        await other;
        other = read;
        current = 1 - current;
        used = 0;
      }
      if (piece.length * 3 > BATCH) {
        await write(piece);
        continue;
      }
    }
    used += buffers[current]!.write(piece, used);
  }
  zip.end(buffers[current]!.subarray(0, used));
  await ended;
  return new CachedText(Buffer.concat(out));
}
