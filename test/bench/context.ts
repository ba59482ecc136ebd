import { setMaxListeners } from 'node:events';
import type { Logger } from '../../src/log.js';
import type { CycleContext } from '../../src/sources/types.js';

/**
 * A cycle context like the scheduler's: parts rendered as they come, a signal
 * that thousands of requests may watch. `keepSamples` leaves out the target,
 * so the parts keep their samples for a scenario that checks values.
 */
export function benchContext(log: Logger, timeoutMs: number, opts: { keepSamples?: boolean } = {}): CycleContext {
  const signal = new AbortController().signal;
  setMaxListeners(0, signal);
  const startedAt = Date.now();
  return { target: opts.keepSamples ? undefined : 'bench', signal, deadline: startedAt + timeoutMs, startedAt, log };
}
