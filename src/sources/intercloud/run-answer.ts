import { asArray, asNumber, asObject, asString, optional, type JsonObject } from '../../core/shape.js';

/** The newest non-null point of a /run answer, time in ms, value as the upstream gives it (bit/s). */
export interface Point {
  time: number;
  value: number;
}

/** What the quick reading leaves to the checked one: a shape it does not vouch for. */
const UNUSUAL = Symbol('unusual');

/**
 * The newest point with a value across every series of a /run answer. Empty
 * `Results`, `Series` or `values`, and null values, mean no data, not zero.
 * Seventy thousand answers a cycle: the usual shape is read without building
 * anything, and only an answer it does not fit is read again by the checked
 * reading, which accepts what it can (numeric strings, extra columns) and
 * names the JSON path of what it cannot.
 */
export function latestPoint(data: unknown): Point | undefined {
  if (data === undefined || data === null) return undefined;
  const quick = quickLatestPoint(data);
  return quick === UNUSUAL ? checkedLatestPoint(data) : quick;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects, arrays of two string columns (or none), rows of a string time and a number or null. */
function quickLatestPoint(body: unknown): Point | undefined | typeof UNUSUAL {
  if (!isObject(body)) return UNUSUAL;
  const results = body.Results;
  if (results === undefined || results === null) return undefined;
  if (!Array.isArray(results)) return UNUSUAL;
  let bestTime = Number.NEGATIVE_INFINITY;
  let bestValue: number | undefined;
  for (const result of results) {
    if (!isObject(result)) return UNUSUAL;
    const series = result.Series;
    if (series === undefined || series === null) continue;
    if (!Array.isArray(series)) return UNUSUAL;
    for (const one of series) {
      if (!isObject(one)) return UNUSUAL;
      let timeAt = 0;
      const columns = one.columns;
      if (columns !== undefined && columns !== null) {
        if (!Array.isArray(columns) || columns.length !== 2 || typeof columns[0] !== 'string' || typeof columns[1] !== 'string') return UNUSUAL;
        if (columns[0] !== 'time' && columns[1] === 'time') timeAt = 1;
      }
      const valueAt = 1 - timeAt;
      const values = one.values;
      if (values === undefined || values === null) continue;
      if (!Array.isArray(values)) return UNUSUAL;
      for (let k = 0; k < values.length; k++) {
        const row: unknown = values[k];
        if (!Array.isArray(row)) return UNUSUAL;
        const raw: unknown = row[valueAt];
        if (raw === null || raw === undefined) continue;
        const stamp: unknown = row[timeAt];
        if (typeof raw !== 'number' || typeof stamp !== 'string') return UNUSUAL;
        const time = parseStamp(stamp, k);
        if (Number.isNaN(time)) return UNUSUAL;
        if (bestValue === undefined || time > bestTime) {
          bestTime = time;
          bestValue = raw;
        }
      }
    }
  }
  return bestValue === undefined ? undefined : { time: bestTime, value: bestValue };
}

/**
 * The answers of a cycle cover the same window, so their rows mostly hold
 * the same 5-minute points at the same places: each row index keeps the last
 * stamp read there with its time, and each stamp is parsed about once a cycle
 * instead of once a row.
 */
const STAMP_SLOTS = 64;
const slotStamps = new Array<string>(STAMP_SLOTS).fill('');
const slotTimes = new Float64Array(STAMP_SLOTS).fill(Number.NaN);

function parseStamp(stamp: string, row: number): number {
  const slot = row % STAMP_SLOTS;
  if (slotStamps[slot] !== stamp) {
    slotTimes[slot] = Date.parse(stamp);
    slotStamps[slot] = stamp;
  }
  return slotTimes[slot]!;
}

function checkedLatestPoint(data: unknown): Point | undefined {
  const body = asObject(data, '$');
  let best: Point | undefined;
  const results = optional(body.Results, asArray, '$.Results') ?? [];
  for (let i = 0; i < results.length; i++) {
    const rp = `$.Results[${i}]`;
    const series = optional(asObject(results[i], rp).Series, asArray, `${rp}.Series`) ?? [];
    for (let j = 0; j < series.length; j++) {
      const sp = `${rp}.Series[${j}]`;
      const so = asObject(series[j], sp);
      const columns = (optional(so.columns, asArray, `${sp}.columns`) ?? ['time', 'value']).map((c) => String(c));
      const timeAt = Math.max(0, columns.indexOf('time'));
      const valueAt = columns.findIndex((_, k) => k !== timeAt);
      const values = optional(so.values, asArray, `${sp}.values`) ?? [];
      for (let k = 0; k < values.length; k++) {
        const cells = asArray(values[k], `${sp}.values[${k}]`);
        const raw = cells[valueAt];
        if (raw === null || raw === undefined) continue;
        const value = asNumber(raw, `${sp}.values[${k}][${valueAt}]`);
        const time = Date.parse(asString(cells[timeAt], `${sp}.values[${k}][${timeAt}]`));
        if (Number.isNaN(time)) throw new Error(`unexpected response: ${sp}.values[${k}][${timeAt}] is not a timestamp`);
        if (!best || time > best.time) best = { time, value };
      }
    }
  }
  return best;
}
