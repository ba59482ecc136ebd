import { setMaxListeners } from 'node:events';
import type { Logger } from '../../src/log.js';
import type { CycleContext } from '../../src/sources/types.js';

/** A cycle context like the scheduler's: parts rendered as they come, a signal that thousands of requests may watch. */
export function benchContext(log: Logger, timeoutMs: number): CycleContext {
  const signal = new AbortController().signal;
  setMaxListeners(0, signal);
  const startedAt = Date.now();
  return { target: 'bench', signal, deadline: startedAt + timeoutMs, startedAt, log };
}
