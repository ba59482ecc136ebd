import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The name of the target whose cycle is running, so that a CycleResult can
 * render its parts with the right `target` label the moment they are
 * produced, without every collector passing the name along.
 */
export const cycleTarget = new AsyncLocalStorage<string>();
