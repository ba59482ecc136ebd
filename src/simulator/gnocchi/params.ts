import { GnocchiHttpError } from './errors.js';

/** Which Gnocchi the simulator is: 'legacy' is 4.4 as measured, 'current' 4.5 and later. */
export type GnocchiVersion = 'current' | 'legacy';

/** `fill` once validated: a number, or one of the words this version takes; undefined is Gnocchi's `None`. */
export type Fill = number | 'null' | 'dropna' | 'ffill' | 'bfill' | 'full_ffill' | 'full_bfill' | undefined;

const FORWARD_AND_BACKWARD = ['ffill', 'bfill', 'full_ffill', 'full_bfill'] as const;

export interface AggregatesQuery {
  /** Unix ms. */
  start?: number;
  stop?: number;
  /** Seconds. */
  granularity?: number;
  neededOverlap?: number;
  fill: Fill;
  groupby: string[];
  details: boolean;
}

function argumentError(detail: string, reason: string): GnocchiHttpError {
  return new GnocchiHttpError(400, { cause: 'Argument value error', detail, reason });
}

/** Python's float() of a string, or undefined. */
function pyFloat(text: string): number | undefined {
  const t = text.trim();
  if (/^[-+]?(\d+(_\d+)*\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t.replace(/_/g, ''));
  if (/^[-+]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[-+]?nan$/i.test(t)) return Number.NaN;
  return undefined;
}

const UNITS: Record<string, number> = { w: 604_800, d: 86_400, h: 3600, m: 60, s: 1 };

/** pytimeparse's common forms, in seconds: `5min`, `1h30m`, `2 days`, `-10 minutes`, `1:30:00`; undefined otherwise. */
function parseTimespan(text: string): number | undefined {
  const t = text.trim();
  const clock = /^([-+]?)(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(t);
  if (clock) {
    const [, sign, h = '0', m = '0', s = '0'] = clock;
    return (sign === '-' ? -1 : 1) * (Number(h) * 3600 + Number(m) * 60 + Number(s));
  }
  const sign = t.startsWith('-') ? -1 : 1;
  const body = t.replace(/^[-+]\s*/, '');
  const part = /(\d+(?:\.\d+)?)\s*(weeks?|wks?|w|days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\s*,?\s*/gy;
  let seconds = 0;
  let end = 0;
  for (let m = part.exec(body); m; m = part.exec(body)) {
    const [, amount = '0', unit = 's'] = m;
    seconds += Number(amount) * (UNITS[unit.startsWith('min') ? 'm' : unit.charAt(0)] ?? 1);
    end = part.lastIndex;
  }
  return end > 0 && end === body.length ? sign * seconds : undefined;
}

/** Gnocchi's to_timestamp: epoch seconds, an ISO 8601 time (UTC unless it says), or a time relative to now. */
function timestamp(text: string, now: number): number | undefined {
  const epoch = pyFloat(text);
  if (epoch !== undefined) return Number.isFinite(epoch) ? epoch * 1000 : undefined;
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?([zZ]|[+-]\d{2}:?\d{2})?$/.test(text)) {
    const ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) || text.length === 10 ? text : `${text}Z`);
    return Number.isNaN(ms) ? undefined : ms;
  }
  const relative = parseTimespan(text);
  return relative === undefined ? undefined : now + relative * 1000;
}

function fillOf(value: string, version: GnocchiVersion): Fill {
  const number = pyFloat(value);
  if (number !== undefined) return number;
  if (value === 'null' || value === 'dropna') return value;
  const extra = FORWARD_AND_BACKWARD.find((f) => f === value);
  if (version === 'current' && extra) return extra;
  // 4.5's refusal is assumed to read like 4.4's, which is what was measured.
  throw argumentError('fill', "Must be a float, 'dropna' or 'null'");
}

function bool(name: string, value: string | null): boolean {
  const v = (value ?? 'false').toLowerCase();
  if (['y', 'yes', 't', 'true', 'on', '1'].includes(v)) return true;
  if (['n', 'no', 'f', 'false', 'off', '0'].includes(v)) return false;
  throw new GnocchiHttpError(400, `Unable to parse \`${name}': invalid truth value '${v}'`);
}

/** The query string of `POST /v1/aggregates`, checked in Gnocchi's order; the first refusal is its 400. */
export function parseAggregatesQuery(q: URLSearchParams, version: GnocchiVersion, now: number): AggregatesQuery {
  const details = bool('details', q.get('details'));
  const rawFill = q.get('fill');
  const rawOverlap = q.get('needed_overlap');
  const out: AggregatesQuery = { fill: undefined, groupby: [...new Set(q.getAll('groupby'))].sort(), details };
  if (rawOverlap !== null) {
    out.neededOverlap = pyFloat(rawOverlap);
    if (out.neededOverlap === undefined) throw argumentError('needed_overlap', 'Must be a number');
  }
  for (const key of ['start', 'stop'] as const) {
    const raw = q.get(key);
    if (raw === null) continue;
    const ms = timestamp(raw, now);
    if (ms === undefined || ms < 0) throw argumentError(key, 'Must be a datetime or a timestamp');
    out[key] = ms;
  }
  const rawGranularity = q.get('granularity');
  if (rawGranularity !== null) {
    const seconds = pyFloat(rawGranularity) ?? parseTimespan(rawGranularity);
    if (seconds === undefined || Number.isNaN(seconds)) throw argumentError('granularity', 'Unable to parse timespan');
    if (seconds <= 0) throw argumentError('granularity', 'Timespan must be positive');
    out.granularity = seconds;
  }
  // Neither fill nor needed_overlap: Gnocchi drops the empty points.
  const fill = rawFill ?? (rawOverlap === null ? 'dropna' : null);
  if (fill !== null) out.fill = fillOf(fill, version);
  return out;
}
