import { HttpError } from '../../core/http.js';
import { asArray, asNumber, asObject, asString, ShapeError } from '../../core/shape.js';

/** A JSON string (left as it is), or a bare non-finite token. */
const TOKENS = /"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g;
const REPLACEMENT: Record<string, string> = { NaN: 'null', Infinity: '1e999', '-Infinity': '-1e999' };

/**
 * JSON.parse that also takes the bare NaN / Infinity / -Infinity tokens that
 * Gnocchi (Python's json) writes for empty buckets with `fill=null` and for
 * divisions by zero: NaN becomes null (no value), the infinities become
 * numbers (1e999 overflows to Infinity). Tokens inside strings are left alone.
 * No reviver: it would make every parse several times slower.
 */
export function parseGnocchiJson(text: string): unknown {
  if (!/NaN|Infinity/.test(text)) return JSON.parse(text);
  return JSON.parse(text.replace(TOKENS, (m) => REPLACEMENT[m] ?? m));
}

export interface Point {
  /** Unix time in ms of the bucket start. */
  at: number;
  granularity: number;
  value: number;
}

export interface Series {
  /** Group-by attributes as label values ("" for a null attribute). */
  group: Record<string, string>;
  points: Point[];
}

/**
 * Reads both shapes of `POST /v1/aggregates`: without groupby
 * `{"measures": {"aggregated": [...]}}`, with groupby a list of
 * `{"group": {...}, "measures": {"measures": {"aggregated": [...]}}}`.
 */
export function readAggregates(data: unknown, grouped: boolean): Series[] {
  if (!grouped) {
    const body = asObject(data, 'response');
    return [{ group: {}, points: readAggregated(body.measures, 'response.measures') }];
  }
  return asArray(data, 'response').map((item, i) => {
    const path = `response[${i}]`;
    const entry = asObject(item, path);
    const group: Record<string, string> = {};
    for (const [k, v] of Object.entries(asObject(entry.group, `${path}.group`))) group[k] = labelValue(v, `${path}.group.${k}`);
    const measures = asObject(entry.measures, `${path}.measures`);
    return { group, points: readAggregated(measures.measures, `${path}.measures.measures`) };
  });
}

function readAggregated(value: unknown, path: string): Point[] {
  const measures = asObject(value, path);
  if (!('aggregated' in measures)) {
    throw new ShapeError(`${path}.aggregated`, 'an array (use an "(aggregate ...)" operation so that Gnocchi returns one aggregated series)', undefined);
  }
  return asArray(measures.aggregated, `${path}.aggregated`).map((raw, i) => {
    const p = `${path}.aggregated[${i}]`;
    const tuple = asArray(raw, p);
    const stamp = asString(tuple[0], `${p}[0]`);
    const at = Date.parse(stamp);
    if (Number.isNaN(at)) throw new ShapeError(`${p}[0]`, 'an ISO 8601 timestamp', stamp);
    // null is an empty bucket (a NaN in Gnocchi's body).
    const value = tuple[2] === null ? Number.NaN : asNumber(tuple[2], `${p}[2]`);
    return { at, granularity: asNumber(tuple[1], `${p}[1]`), value };
  });
}

function labelValue(value: unknown, path: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ShapeError(path, 'a string, number or null', value);
}

/** The newest point with a value (an empty bucket is NaN with `fill=null`). */
export function latestPoint(points: Point[]): Point | undefined {
  let latest: Point | undefined;
  for (const p of points) if (!Number.isNaN(p.value) && (!latest || p.at > latest.at)) latest = p;
  return latest;
}

/**
 * True when Gnocchi says that no resource matched has the metric: 404
 * `Metric ['vcpus'] does not exist` (Gnocchi >= 4.5) or 400 `{"cause": "Metrics
 * not found"}` (4.4). That is "no data", not an error. Other 404s (a wrong
 * endpoint path, an aggregation method missing from an archive policy) stay
 * errors, so that their series are kept rather than dropped. A metric without
 * measures is no error at all: its series comes back empty.
 */
export function isMetricNotFound(err: unknown): boolean {
  if (!(err instanceof HttpError) || (err.status !== 404 && err.status !== 400)) return false;
  const body = err.body;
  if (typeof body !== 'object' || body === null) return false;
  const description = (body as { description?: unknown }).description;
  if (err.status === 404) return typeof description === 'string' && /^Metric .* does not exist/.test(description);
  return typeof description === 'object' && description !== null && (description as { cause?: unknown }).cause === 'Metrics not found';
}
