/** The units upstreams give rates in. Decimal prefixes: 1 Mbit/s = 10^6 bit/s. */
export const RATE_UNITS = ['bps', 'kbps', 'Mbps'] as const;
export type RateUnit = (typeof RATE_UNITS)[number];

const BITS_PER_SECOND: Record<RateUnit, number> = { bps: 1, kbps: 1e3, Mbps: 1e6 };

/** The exporter's unit of a rate is bytes per second. */
export function toBytesPerSecond(value: number, unit: RateUnit): number {
  return (value * BITS_PER_SECOND[unit]) / 8;
}
