/**
 * Runs `fn` over `items` with at most `limit` at a time. The HTTP queue holds
 * the real request concurrency; this bound keeps a tree of tens of thousands of
 * queries from holding that many pending promises and closures at once.
 */
export async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
