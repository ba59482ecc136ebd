/**
 * Keeps a simulator process serving until its benchmark stops it (SIGTERM)
 * or dies: the benchmark holds the other end of stdin, so an exporter that
 * crashes (out of memory, say) leaves no simulator behind.
 */
export function serveUntilStopped(close: () => Promise<void>): void {
  const stop = () => void close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.stdin.once('end', stop);
  process.stdin.resume();
}
