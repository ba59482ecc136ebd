import { setMaxListeners } from 'node:events';
import type { CycleContext } from '../types.js';

/**
 * Runs `fn` with a plain signal that follows the cycle's. The cycle's signal
 * is composite (deadline + shutdown), and Node 20's AbortSignal.any, which the
 * HTTP client calls on every request, then registers each request's signal
 * on the long-lived shutdown signal, where it stays: about a hundred bytes per
 * request, for good. A plain signal of our own is dropped with the cycle.
 */
export async function withCycleSignal<T>(ctx: CycleContext, fn: (ctx: CycleContext) => Promise<T>): Promise<T> {
  const own = new AbortController();
  // Every queued and in-flight request listens on it: thousands, not a leak.
  setMaxListeners(0, own.signal);
  const follow = () => own.abort(ctx.signal.reason);
  if (ctx.signal.aborted) follow();
  else ctx.signal.addEventListener('abort', follow, { once: true });
  try {
    return await fn({ ...ctx, signal: own.signal });
  } finally {
    ctx.signal.removeEventListener('abort', follow);
  }
}
