import { hash, unit } from './hash.js';
import type { SimOrganisation } from './model.js';

/** Capacities in kbit/s as they are sold: 1, 2, 5, 10 Mbit/s ... 100 Gbit/s. */
const SIZES_KBPS = [
  1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000, 20_000_000, 50_000_000, 100_000_000,
];

/**
 * A group's allocatedCapacity in kbit/s, or null for a share of groups: the
 * size sold nearest to its peak used capacity divided by a drawn fill of 0.5
 * to 1.1, so that most groups use part of it, some nearly all and a few more.
 */
export function allocatedCapacityOf(groupId: string, peakBitsPerSecond: number, seed: number, share: number): number | null {
  if (unit(hash(`${seed}|${groupId}|allocated`)) >= share) return null;
  const fill = 0.5 + 0.6 * unit(hash(`${seed}|${groupId}|fill`));
  const wanted = Math.max(peakBitsPerSecond / fill / 1000, 1);
  const distance = (size: number) => Math.abs(Math.log(size / wanted));
  return SIZES_KBPS.reduce((best, size) => (distance(size) < distance(best) ? size : best));
}

/**
 * An organisation's capacities, or null for a share of them: a size per region
 * its groups use (europe when they use none). The portal's examples only show
 * null, so both plausible shapes are served: half of them an object of region
 * to kbit/s, half a list of {region, capacity}.
 */
export function capacitiesOf(org: SimOrganisation, seed: number, share: number): unknown {
  if (unit(hash(`${seed}|${org.id}|capacities`)) >= share) return null;
  const used = new Set(org.groups.flatMap((g) => g.metrics.map((m) => m.name)));
  const regions = used.size ? [...used].sort() : ['europe'];
  const size = (region: string) => SIZES_KBPS[7 + Math.floor(unit(hash(`${org.id}|${region}|capacity`)) * 6)]!;
  if (unit(hash(`${seed}|${org.id}|capacities-shape`)) < 0.5) return Object.fromEntries(regions.map((r) => [r, size(r)]));
  return regions.map((region) => ({ region, capacity: size(region) }));
}
