/** A 32-bit hash of a text (FNV-1a, then mixed): draws that follow ids and times instead of the rng's sequence. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995);
  return (h ^ (h >>> 15)) >>> 0;
}

/** A hash as a number in [0, 1). */
export function unit(h: number): number {
  return h / 4294967296;
}
