import { hash, unit } from './hash.js';
import type { SimGroup } from './model.js';

const STEP_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

/** A /run data point: RFC 3339 time and bit/s, or null. */
type Point = [string, number | null];

/** A data point as a test fixes it: any JSON value, to see how odd answers are taken. */
export type FixedPoint = [string, unknown];

interface PointOptions {
  seed: number;
  nullRate: number;
  emptyRate: number;
  /** One value per group and region whatever the time, nulls at fixed places (see WorldOptions.steady). */
  steady: boolean;
}

/**
 * The generated points of a group and region over [start, end] (ms):
 * 5-minute aligned (hourly beyond a day, as the portal aggregates), in bit/s,
 * following a daily cycle with noise, with occasional nulls; none for an empty
 * series.
 */
export function generatedPoints(group: SimGroup, region: string, start: number, end: number, o: PointOptions): Point[] {
  if (unit(hash(`${o.seed}|${group.id}|${region}|empty`)) < o.emptyRate) return [];
  const step = end - start > DAY_MS ? 12 * STEP_MS : STEP_MS;
  const out: Point[] = [];
  const phase = unit(hash(`${group.id}|${region}|phase`)) * 2 * Math.PI;
  const share = regionShare(group, region);
  const nulls = unit(hash(`${o.seed}|${group.irn}|${region}|nulls`));
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) {
    if (o.steady) {
      out.push([iso(t), nulls < o.nullRate ? null : Math.round(group.level * share)]);
      continue;
    }
    const h = unit(hash(`${o.seed}|${group.irn}|${region}|${t}`));
    if (h < o.nullRate) {
      out.push([iso(t), null]);
      continue;
    }
    const daily = 0.65 + 0.35 * Math.sin((2 * Math.PI * (t % DAY_MS)) / DAY_MS + phase);
    out.push([iso(t), group.level * share * daily * (0.9 + 0.2 * h)]);
  }
  // Steady series in the next band of the null rate end on a null: the newest point with a value is the one before.
  if (o.steady && nulls < 2 * o.nullRate && out.length) out[out.length - 1]![1] = null;
  return out;
}

/** A group's share of its typical level in one region. */
export function regionShare(group: SimGroup, region: string): number {
  return 0.2 + unit(hash(`${group.id}|${region}|share`));
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
