/** Something that stops at once when the signal it waits on is aborted. */
export interface Cancellable {
  cancel(reason: unknown): void;
}

/**
 * One 'abort' listener per signal, fanning out to whatever waits on it. A
 * cycle has tens of thousands of requests on one signal: a listener added and
 * removed per request cost more than the rest of the request's bookkeeping.
 */
export class AbortFanout {
  private readonly waiting = new WeakMap<AbortSignal, Set<Cancellable>>();

  /** Calls `item.cancel` when `signal` aborts (at once if it already has) until `remove`. */
  add(signal: AbortSignal, item: Cancellable): void {
    if (signal.aborted) {
      item.cancel(signal.reason);
      return;
    }
    let set = this.waiting.get(signal);
    if (!set) {
      const members = new Set<Cancellable>();
      this.waiting.set(signal, (set = members));
      signal.addEventListener(
        'abort',
        () => {
          for (const member of members) member.cancel(signal.reason);
          members.clear();
        },
        { once: true },
      );
    }
    set.add(item);
  }

  remove(signal: AbortSignal, item: Cancellable): void {
    this.waiting.get(signal)?.delete(item);
  }
}
