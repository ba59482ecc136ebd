/** Something that stops at once when the signal it waits on is aborted; it waits on one signal at a time. */
export interface Cancellable {
  cancel(reason: unknown): void;
  /** Where the fanout holds it; the fanout's own bookkeeping. */
  fanoutSlot?: number;
}

/**
 * One 'abort' listener per signal, fanning out to whatever waits on it. A
 * cycle has tens of thousands of requests on one signal: a listener added and
 * removed per request cost more than the rest of the request's bookkeeping.
 * Members sit in an array, removed by moving the last one into their slot: a
 * Set's table, rebuilt as requests come and go, kept finished requests alive
 * long enough for the garbage collector to promote them to the old heap.
 */
export class AbortFanout {
  private readonly waiting = new WeakMap<AbortSignal, Cancellable[]>();

  /** Calls `item.cancel` when `signal` aborts (at once if it already has) until `remove`. */
  add(signal: AbortSignal, item: Cancellable): void {
    if (signal.aborted) {
      item.cancel(signal.reason);
      return;
    }
    let members = this.waiting.get(signal);
    if (!members) {
      const list: Cancellable[] = [];
      this.waiting.set(signal, (members = list));
      signal.addEventListener(
        'abort',
        () => {
          for (const member of list.splice(0)) {
            member.fanoutSlot = undefined;
            member.cancel(signal.reason);
          }
        },
        { once: true },
      );
    }
    item.fanoutSlot = members.length;
    members.push(item);
  }

  remove(signal: AbortSignal, item: Cancellable): void {
    const members = this.waiting.get(signal);
    const slot = item.fanoutSlot;
    if (!members || slot === undefined || members[slot] !== item) return;
    item.fanoutSlot = undefined;
    const last = members.pop()!;
    if (last !== item) {
      members[slot] = last;
      last.fanoutSlot = slot;
    }
  }
}
