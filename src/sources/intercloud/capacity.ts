import { toError } from '../../core/series.js';
import { asObject, asString, ShapeError } from '../../core/shape.js';

/** A value read apart from the rest of its answer: a bad one is its own error, not the whole answer's. */
export type Checked<T> = { value: T } | { error: Error };

export function checked<T>(read: () => T, context: string): Checked<T> {
  try {
    return { value: read() };
  } catch (err) {
    const cause = toError(err);
    return { error: new Error(`${context}${cause.message}`, { cause }) };
  }
}

export interface RegionCapacity {
  region: string;
  /** In the portal's unit (`capacityUnit`). */
  capacity: number;
}

/** A capacity as the portal gives it: a number >= 0, a numeric string, or null / absent for none. */
export function readCapacity(value: unknown, path: string): number | undefined {
  if (value === null || value === undefined) return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < 0) throw new ShapeError(path, 'a capacity (a number >= 0)', value);
  return n;
}

/**
 * An organisation's `capacities`. The portal's examples only show null, so the
 * two shapes a per-region figure plausibly takes are read: an object of region
 * -> capacity, or a list of {region (or name), capacity}. A region without a
 * capacity has none; anything else is an error of this organisation's capacities.
 */
export function readCapacities(value: unknown, path: string): RegionCapacity[] {
  if (value === null || value === undefined) return [];
  const entries: Array<{ region: string; raw: unknown; at: string; capacityAt: string }> = [];
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const at = `${path}[${i}]`;
      const o = asObject(item, at);
      const key = o.region !== undefined ? 'region' : o.name !== undefined ? 'name' : undefined;
      if (key === undefined) throw new Error(`unexpected response: ${at} has no region (region or name)`);
      entries.push({ region: asString(o[key], `${at}.${key}`), raw: o.capacity, at, capacityAt: `${at}.capacity` });
    });
  } else if (typeof value === 'object') {
    for (const [region, raw] of Object.entries(value)) entries.push({ region, raw, at: `${path}.${region}`, capacityAt: `${path}.${region}` });
  } else {
    throw new ShapeError(path, 'an object of region -> capacity or a list of {region, capacity}', value);
  }
  const seen = new Set<string>();
  const out: RegionCapacity[] = [];
  for (const { region, raw, at, capacityAt } of entries) {
    // Two series with the same labels would make the whole exposition invalid.
    if (seen.has(region)) throw new Error(`unexpected response: ${at}: region ${region} is given twice`);
    seen.add(region);
    const capacity = readCapacity(raw, capacityAt);
    if (capacity !== undefined) out.push({ region, capacity });
  }
  return out;
}
