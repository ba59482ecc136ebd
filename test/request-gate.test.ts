import t, { type Test } from 'tap';
import { requestGate, type RequestGate } from '../src/core/request-gate.js';

/** A request the test settles by hand, and what its caller was told. */
class Pending {
  started = false;
  outcome?: { value: unknown } | { error: unknown };
  private settle?: { resolve: (v: unknown) => void; reject: (e: unknown) => void };

  constructor(
    gate: RequestGate,
    readonly ticket: { abandoned: boolean } = { abandoned: false },
    fn?: () => Promise<unknown>,
  ) {
    gate.run(
      fn ??
        (() => {
          this.started = true;
          return new Promise((resolve, reject) => (this.settle = { resolve, reject }));
        }),
      ticket,
      '/route',
      (value) => (this.outcome = { value }),
      (error) => (this.outcome = { error }),
    );
  }

  resolve(value: unknown): void {
    this.settle!.resolve(value);
  }

  reject(error: unknown): void {
    this.settle!.reject(error);
  }
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

/** A new request starts at once, then ends: the gate had a free slot. */
async function startsAtOnce(t: Test, gate: RequestGate, message: string): Promise<void> {
  const probe = new Pending(gate);
  t.ok(probe.started, message);
  probe.resolve(undefined);
  await settled();
}

t.test('without a rate, at most `concurrency` requests run, the rest start first in, first out as slots free', async (t) => {
  const gate = requestGate(2, 0);
  const all = Array.from({ length: 5 }, () => new Pending(gate));
  t.same(
    all.map((p) => p.started),
    [true, true, false, false, false],
    'two start at once',
  );
  all[1]!.resolve('b');
  await settled();
  t.same(all[1]!.outcome, { value: 'b' }, 'the caller gets the value');
  t.same(
    all.map((p) => p.started),
    [true, true, true, false, false],
    'the first waiting one takes the freed slot',
  );
  all[0]!.reject(new Error('boom'));
  await settled();
  t.match(all[0]!.outcome, { error: { message: 'boom' } }, 'the caller gets the error');
  t.equal(all[3]!.started, true, 'a failed request frees its slot too');
  t.equal(all[4]!.started, false);
  all[2]!.resolve(3);
  all[3]!.resolve(4);
  await settled();
  all[4]!.resolve(5);
  await settled();
  t.same(
    all.slice(1).map((p) => p.outcome),
    [{ value: 'b' }, { value: 3 }, { value: 4 }, { value: 5 }],
    "each caller gets its own request's value",
  );
});

t.test('a request abandoned while it waits never starts and takes no slot', async (t) => {
  const gate = requestGate(1, 0);
  const first = new Pending(gate);
  const gone = [new Pending(gate), new Pending(gate)];
  const next = new Pending(gate);
  for (const p of gone) p.ticket.abandoned = true;
  first.resolve(1);
  await settled();
  t.notOk(
    gone.some((p) => p.started),
    'abandoned requests are skipped',
  );
  t.ok(next.started, 'the next live request gets the slot');
  next.resolve(2);
  await settled();
  t.same(next.outcome, { value: 2 });
  await startsAtOnce(t, gate, 'the slot is free again once it is done');
});

t.test('a request that throws as it starts rejects its caller and frees its slot', async (t) => {
  const gate = requestGate(1, 0);
  const thrower = new Pending(gate, undefined, () => {
    throw new Error('no headers');
  });
  await settled();
  t.match(thrower.outcome, { error: { message: 'no headers' } });
  await startsAtOnce(t, gate, 'the slot was given back');
});

t.test('with a rate, requests are paced', async (t) => {
  const gate = requestGate(2, 20);
  const started: number[] = [];
  const t0 = performance.now();
  const all = Array.from(
    { length: 6 },
    (_, i) =>
      new Promise((resolve, reject) =>
        gate.run(
          async () => {
            started.push(performance.now() - t0);
            await new Promise((r) => setTimeout(r, 5));
            return i;
          },
          { abandoned: false },
          '/route',
          resolve,
          reject,
        ),
      ),
  );
  t.same(await Promise.all(all), [0, 1, 2, 3, 4, 5], 'every caller gets its own value');
  // 20 per second in tenths of a second: two per 100 ms window.
  t.ok(started[5]! >= 180, `the sixth started after two windows (${Math.round(started[5]!)} ms)`);
});
