import PQueue from 'p-queue';
import { RequestFifo, type QueueTicket, type RequestQueueOptions } from './request-fifo.js';

/**
 * Where a target's requests wait for their turn. `run` starts `fn` in its
 * turn and settles `resolve`/`reject` with its outcome; a request whose
 * ticket is abandoned by its turn is never started.
 */
export interface RequestGate {
  run<R>(fn: () => Promise<R>, ticket: QueueTicket, route: string, resolve: (value: R) => void, reject: (err: unknown) => void): void;
}

/**
 * p-queue where a target has a rate (`requestsPerSecond`); without one, a
 * plain count of requests in flight. p-queue's task machinery (its promise,
 * its async runner, its events, its timestamps) cost more CPU per request
 * than the request's own handling once tens of thousands run a cycle, and
 * of that machinery only the rate needs more than a count.
 */
export function requestGate(concurrency: number, requestsPerSecond: number): RequestGate {
  return requestsPerSecond > 0 ? new PacedGate(concurrency, requestsPerSecond) : new SlotGate(concurrency);
}

/** At most `limit` requests in flight, the rest waiting first in, first out. */
class SlotGate implements RequestGate {
  private active = 0;
  private readonly waiting = new RequestFifo();

  constructor(private readonly limit: number) {}

  run<R>(fn: () => Promise<R>, ticket: QueueTicket, _route: string, resolve: (value: R) => void, reject: (err: unknown) => void): void {
    if (this.active < this.limit) void this.start(fn, resolve, reject);
    else this.waiting.enqueue(() => this.start(fn, resolve, reject), { ticket });
  }

  private start<R>(fn: () => Promise<R>, resolve: (value: R) => void, reject: (err: unknown) => void): Promise<unknown> {
    this.active += 1;
    let work: Promise<R>;
    try {
      work = fn();
    } catch (err) {
      work = Promise.reject(err);
    }
    // The slot is given back before the caller resumes: the next request starts in the same tick.
    return work.then(
      (value) => {
        this.release();
        resolve(value);
      },
      (err: unknown) => {
        this.release();
        reject(err);
      },
    );
  }

  private release(): void {
    this.active -= 1;
    // The FIFO skips abandoned requests and yields a no-op, which takes no slot, when only those were left.
    while (this.active < this.limit && this.waiting.size > 0) void this.waiting.dequeue()();
  }
}

/** p-queue for a rate: its interval cap holds the pace, its concurrency the requests in flight. */
class PacedGate implements RequestGate {
  private readonly queue: PQueue<RequestFifo, RequestQueueOptions>;

  constructor(concurrency: number, requestsPerSecond: number) {
    // An even pace: the cap per interval is a tenth of a second's worth, so
    // timer drift costs little and no second ever starts more than R requests.
    const intervalCap = Math.max(1, Math.ceil(requestsPerSecond / 10));
    this.queue = new PQueue({ concurrency, intervalCap, interval: (intervalCap * 1000) / requestsPerSecond, queueClass: RequestFifo });
  }

  run<R>(fn: () => Promise<R>, ticket: QueueTicket, route: string, resolve: (value: R) => void, reject: (err: unknown) => void): void {
    this.queue.add<R>(fn, { ticket, id: route }).then(resolve, reject);
  }
}
