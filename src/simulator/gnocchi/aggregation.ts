import { GnocchiHttpError } from './errors.js';
import type { Fill } from './params.js';
import { PyFloat } from './pyjson.js';
import { gnocchiTime } from './resources.js';
import type { VcpusMetric } from './model.js';

/** One metric of one resource, read with one aggregation method: what Gnocchi calls a reference. */
export interface Reference {
  /** Undefined when the operations named the metric by its UUID. */
  resourceId: string | undefined;
  /** The metric's name, and the name or wildcard the operations used for it. */
  name: string;
  lookup: string;
  method: string;
  metric: VcpusMetric;
  points: ReadonlyArray<{ at: number; value: number }>;
}

export interface MeasuresRequest {
  /** The method of `(aggregate ...)`, or undefined for the references' own series. */
  aggregate: string | undefined;
  /** Unix ms. */
  start?: number;
  stop?: number;
  /** Seconds; undefined takes every granularity the references share. */
  granularity?: number;
  neededOverlap?: number;
  fill: Fill;
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const variance = (v: number[], ddof: number) => {
  const m = mean(v);
  return v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - ddof);
};
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** How an archive policy rolls a bucket's raw measures up (carbonara; std and var of a sample). */
const IN_BUCKET: Record<string, (v: number[]) => number> = {
  mean,
  sum: (v) => v.reduce((a, b) => a + b, 0),
  min: (v) => Math.min(...v),
  max: (v) => Math.max(...v),
  count: (v) => v.length,
  first: (v) => v[0]!,
  last: (v) => v[v.length - 1]!,
  median,
  std: (v) => Math.sqrt(variance(v, 1)),
  var: (v) => variance(v, 1),
};

/** How `(aggregate ...)` combines series at one timestamp: numpy's nan-functions, which skip the empty ones. */
const ACROSS: Record<string, (v: number[]) => number> = {
  mean,
  sum: (v) => v.reduce((a, b) => a + b, 0),
  min: (v) => Math.min(...v),
  max: (v) => Math.max(...v),
  count: (v) => v.length,
  median,
  std: (v) => Math.sqrt(variance(v, 0)),
  var: (v) => variance(v, 0),
};

/** A metric's stored aggregates at one granularity, within [start rounded down to the granularity, stop). */
function series(ref: Reference, granularity: number, req: MeasuresRequest): Map<number, number> {
  const step = granularity * 1000;
  const from = req.start === undefined ? -Infinity : Math.floor(req.start / step) * step;
  const to = req.stop ?? Infinity;
  const buckets = new Map<number, number[]>();
  for (const p of ref.points) {
    const at = Math.floor(p.at / step) * step;
    if (at < from || at >= to) continue;
    const values = buckets.get(at);
    if (values) values.push(p.value);
    else buckets.set(at, [p.value]);
  }
  const roll = IN_BUCKET[ref.method] ?? mean;
  return new Map([...buckets].map(([at, values]) => [at, roll(values)]));
}

function fillGaps(row: number[], direction: 'forward' | 'backward'): void {
  const indices = row.map((_, i) => i);
  if (direction === 'backward') indices.reverse();
  let last = Number.NaN;
  for (const i of indices) {
    if (Number.isNaN(row[i])) row[i] = last;
    else last = row[i]!;
  }
}

/** Gnocchi 4.5's forward and backward fills, within the timestamps some series has: they never add a timestamp. */
function fillRow(row: number[], fill: Fill): void {
  if (fill === 'ffill' || fill === 'full_ffill') fillGaps(row, 'forward');
  if (fill === 'bfill' || fill === 'full_bfill' || fill === 'full_ffill') fillGaps(row, 'backward');
  if (fill === 'full_bfill') fillGaps(row, 'forward');
}

/** Granularities to read: the one asked for, or those every reference's policy has (Gnocchi's "granularities in common"). */
function granularities(refs: Reference[], req: MeasuresRequest): number[] {
  if (req.granularity !== undefined) return [req.granularity];
  const counts = new Map<number, number>();
  for (const ref of refs) for (const g of ref.metric.policy.granularities) counts.set(g, (counts.get(g) ?? 0) + 1);
  const common = [...counts].filter(([, n]) => n === refs.length).map(([g]) => g);
  if (common.length === 0)
    throw unaggregable(
      refs.map((r) => [r.name, r.method]),
      'No granularity match',
    );
  return common;
}

function unaggregable(detail: unknown[], reason: string): GnocchiHttpError {
  return new GnocchiHttpError(400, { cause: "Metrics can't being aggregated", reason, detail });
}

/**
 * Gnocchi's processor.get_measures over one group's references: a method
 * their archive policy lacks fails at the first such reference (404, metric
 * UUID), a missing granularity once all are checked (400); then, per
 * granularity (coarsest first), the series are laid on the timestamps any of
 * them has, filled or checked for overlap, and aggregated.
 */
export function getMeasures(refs: Reference[], req: MeasuresRequest): unknown {
  const wanted = granularities(refs, req);
  const missing: unknown[] = [];
  for (const ref of refs) {
    if (!ref.metric.policy.aggregationMethods.includes(ref.method)) {
      throw new GnocchiHttpError(404, { cause: 'Metrics with unknown aggregation', detail: [[ref.metric.id, ref.method]] });
    }
    const lacking = wanted.find((g) => !ref.metric.policy.granularities.includes(g));
    if (lacking !== undefined) missing.push([ref.name, ref.method, new PyFloat(lacking)]);
  }
  if (missing.length) throw unaggregable(missing, 'Granularities are missing');

  const aggregated: unknown[] = [];
  const perReference = new Map<Reference, unknown[]>();
  for (const g of [...wanted].sort((a, b) => b - a)) {
    const all = refs.map((ref) => series(ref, g, req));
    let times = [...new Set(all.flatMap((s) => [...s.keys()]))].sort((a, b) => a - b);
    const filler = typeof req.fill === 'number' ? req.fill : Number.NaN;
    let rows = all.map((s) => times.map((t) => s.get(t) ?? filler));
    rows.forEach((row) => {
      fillRow(row, req.fill);
    });
    if (req.fill === undefined) ({ times, rows } = checkOverlap(times, rows, refs, req));
    const keep = (v: number) => req.fill !== 'dropna' || Number.isFinite(v);
    if (req.aggregate !== undefined) {
      const across = ACROSS[req.aggregate] ?? mean;
      times.forEach((t, i) => {
        const present = rows.map((row) => row[i]!).filter((v) => !Number.isNaN(v));
        const v = present.length ? across(present) : Number.NaN;
        if (keep(v)) aggregated.push([gnocchiTime(t), new PyFloat(g), new PyFloat(v)]);
      });
    } else {
      refs.forEach((ref, r) => {
        const out = perReference.get(ref) ?? [];
        times.forEach((t, i) => {
          const v = rows[r]![i]!;
          if (keep(v)) out.push([gnocchiTime(t), new PyFloat(g), new PyFloat(v)]);
        });
        perReference.set(ref, out);
      });
    }
  }
  if (req.aggregate !== undefined) return { aggregated };
  const byResource: Record<string, Record<string, Record<string, unknown[]>>> = {};
  const byMetric: Record<string, Record<string, unknown[]>> = {};
  for (const [ref, points] of perReference) {
    if (ref.resourceId === undefined) (byMetric[ref.name] ??= {})[ref.method] = points;
    else ((byResource[ref.resourceId] ??= {})[ref.name] ??= {})[ref.method] = points;
  }
  return Object.keys(byResource).length ? byResource : byMetric;
}

/** Without a fill, `needed_overlap` percent of the timestamps must have every series; without bounds, the window shrinks to where they overlap. */
function checkOverlap(times: number[], rows: number[][], refs: Reference[], req: MeasuresRequest): { times: number[]; rows: number[][] } {
  const needed = req.neededOverlap ?? 100;
  const overlap = times.map((_, i) => i).filter((i) => rows.every((row) => !Number.isNaN(row[i])));
  const lookups = refs.map((r) => [r.lookup, r.method]);
  if (overlap.length === 0 && needed > 0) throw unaggregable(lookups, 'No overlap');
  if (times.length === 0) return { times, rows };
  let [from, to] = [0, times.length];
  if (overlap.length) {
    if (req.stop === undefined) to = overlap[overlap.length - 1]! + 1;
    if (req.start === undefined) from = overlap[0]!;
  }
  const kept = { times: times.slice(from, to), rows: rows.map((row) => row.slice(from, to)) };
  const percent = (overlap.length * 100) / kept.times.length;
  if (percent < needed) {
    throw unaggregable(lookups, `Less than ${needed.toFixed(6)}% of datapoints overlap in this timespan (${percent.toFixed(2)}%)`);
  }
  return kept;
}
