import t from 'tap';
import { getEventListeners } from 'node:events';
import { AbortFanout, type Cancellable } from '../src/core/abort-fanout.js';

function member(name: string, log: string[]): Cancellable {
  return { cancel: (reason) => log.push(`${name}:${String(reason)}`) };
}

t.test('members removed from any slot are not cancelled; the rest are, once each', async (t) => {
  const fanout = new AbortFanout();
  const ac = new AbortController();
  const log: string[] = [];
  const members = ['a', 'b', 'c', 'd', 'e'].map((n) => member(n, log));
  for (const m of members) fanout.add(ac.signal, m);
  fanout.remove(ac.signal, members[1]!);
  fanout.remove(ac.signal, members[4]!);
  fanout.remove(ac.signal, members[0]!);
  fanout.remove(ac.signal, members[0]!);
  fanout.remove(new AbortController().signal, members[2]!);
  t.equal(getEventListeners(ac.signal, 'abort').length, 1, 'one listener for five members');
  ac.abort('stop');
  t.same(log.sort(), ['c:stop', 'd:stop']);
  fanout.remove(ac.signal, members[2]!);
  t.same(log.sort(), ['c:stop', 'd:stop'], 'removing after the abort is harmless');
});

t.test('an already aborted signal cancels at once and adds no listener', async (t) => {
  const fanout = new AbortFanout();
  const log: string[] = [];
  const signal = AbortSignal.abort('gone');
  fanout.add(signal, member('x', log));
  t.same(log, ['x:gone']);
  t.equal(getEventListeners(signal, 'abort').length, 0);
});

t.test('signals are independent', async (t) => {
  const fanout = new AbortFanout();
  const one = new AbortController();
  const two = new AbortController();
  const log: string[] = [];
  fanout.add(one.signal, member('one', log));
  fanout.add(two.signal, member('two', log));
  one.abort('1');
  t.same(log, ['one:1']);
  two.abort('2');
  t.same(log, ['one:1', 'two:2']);
});
