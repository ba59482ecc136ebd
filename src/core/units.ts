/** The exporter's unit of a rate is bytes per second; upstreams give bit/s or Mbit/s. */
export function bitsToBytesPerSecond(bitsPerSecond: number): number {
  return bitsPerSecond / 8;
}

/** IX-API's megabits are decimal (1 Mbit = 10^6 bit). */
export function megabitsToBytesPerSecond(megabitsPerSecond: number): number {
  return megabitsPerSecond * 125_000;
}
