/**
 * The shard an organisation belongs to: FNV-1a of its id, so every replica
 * agrees without talking to the others and an organisation stays put as the
 * tree changes. The own organisation is always shard 0.
 */
export function shardOf(organisationId: string, ownId: string, count: number): number {
  if (count <= 1 || organisationId === ownId) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < organisationId.length; i++) {
    h ^= organisationId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % count;
}
