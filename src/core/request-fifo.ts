import type { QueueAddOptions } from 'p-queue';

/** What a queued request tells the queue: whether its caller has given up on it. */
export interface QueueTicket {
  readonly abandoned: boolean;
}

export type RequestQueueOptions = QueueAddOptions & { ticket?: QueueTicket };

type Run = () => Promise<unknown>;

const skip: Run = async () => {};

/**
 * The waiting upstream requests of a target (p-queue's queue class where the
 * target has a rate, the slot gate's list otherwise): first in, first out,
 * and a request whose caller gave up (its cycle aborted) is dropped when its
 * turn comes instead of run, so it takes no slot from the next cycle.
 * p-queue's own per-task `signal` would do the same with two abort listeners
 * per request; the HTTP client rejects its callers through one listener per
 * signal instead (see AbortFanout).
 */
export class RequestFifo {
  private items: Array<{ run: Run; ticket?: QueueTicket }> = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  enqueue(run: Run, options?: Partial<RequestQueueOptions>): void {
    this.items.push({ run, ticket: options?.ticket });
  }

  /** p-queue calls this only when `size` > 0 and runs what it gets: a run of only abandoned requests yields one no-op. */
  dequeue(): Run {
    while (this.head < this.items.length) {
      const item = this.items[this.head]!;
      this.items[this.head++] = undefined as never;
      this.compact();
      if (!item.ticket?.abandoned) return item.run;
    }
    return skip;
  }

  filter(): Run[] {
    return this.items.slice(this.head).map((item) => item.run);
  }

  setPriority(): void {
    throw new Error('request queue has no priorities');
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head > this.items.length / 2) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
