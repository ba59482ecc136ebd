import t from 'tap';
import { pino } from 'pino';
import { SelfMetrics } from '../src/core/selfmetrics.js';
import { CycleResult, type Sample } from '../src/core/series.js';
import { SnapshotStore } from '../src/core/snapshot.js';
import type { TargetConfig } from '../src/core/source.js';
import { fakeSource } from './helpers/fake-source.js';

const config = { name: 't', interval: 1000 } as TargetConfig;
const s = (name: string, v = 1): Sample => ({ name: 'fake_item_value', labels: { item_id: name }, value: v });

function setup(maxStalenessMs = 0) {
  const store = new SnapshotStore(new SelfMetrics('test'), pino({ level: 'silent' }));
  const state = store.add(fakeSource, config, maxStalenessMs);
  const keys = () => [...state.parts.keys()].sort();
  const text = async () => (await Promise.all(store.cached().map((c) => c.plain()))).join('');
  return { store, state, keys, text };
}

function result(build: (r: CycleResult) => void): { result: CycleResult } {
  const r = new CycleResult({ target: config.name });
  build(r);
  return { result: r };
}

t.test('a failed key keeps itself and its sub-keys, nothing else', async (t) => {
  const { store, state, keys } = setup();
  await store.apply(
    state,
    result((r) => {
      r.ok('org/1', [s('o1')]);
      r.ok('org/1/group/a', [s('a')]);
      r.ok('org/10', [s('o10')]);
      r.ok('org/2', [s('o2')]);
    }),
    0,
  );
  await store.apply(
    state,
    result((r) => {
      r.fail('org/1', new Error('listing failed'));
      r.ok('org/2', [s('o2', 2)]);
    }),
    100,
  );
  t.same(keys(), ['org/1', 'org/1/group/a', 'org/2'], 'org/10 is not below org/1; it was not returned, so it is gone');
  t.equal(state.parts.get('org/1/group/a')!.collectedAt, 0, 'kept parts keep their collection time');
});

t.test('default staleness is three intervals', async (t) => {
  const { store, state, keys, text } = setup();
  t.equal(state.maxStalenessMs, 3000);
  await store.apply(
    state,
    result((r) => r.ok('a', [s('a')])),
    0,
  );
  await store.apply(state, { error: new Error('down') }, 3000);
  t.same(keys(), ['a'], 'at exactly maxStaleness still kept');
  t.match(await text(), /item_id="a"/);
  await store.apply(state, { error: new Error('down') }, 3001);
  t.same(keys(), []);
  t.equal(await text(), '', 'nothing rendered, not even a HELP line');
});

t.test('a failure cannot resurrect a key a later success dropped', async (t) => {
  const { store, state, keys } = setup(10_000);
  await store.apply(
    state,
    result((r) => r.ok('x', [s('x')])),
    0,
  );
  await store.apply(
    state,
    result((r) => r.ok('y', [s('y')])),
    1,
  );
  await store.apply(
    state,
    result((r) => r.fail('x', new Error('e'))),
    2,
  );
  t.same(keys(), []);
});

t.test('renders are applied in order even when gzip finishes out of order', async (t) => {
  const { store, state, text } = setup();
  const big = Array.from({ length: 20_000 }, (_, i) => s(String(i)));
  const first = store.apply(
    state,
    result((r) => r.ok('a', big)),
    0,
  );
  const second = store.apply(
    state,
    result((r) => r.ok('a', [s('only')])),
    1,
  );
  await Promise.all([first, second]);
  t.match(await text(), /item_id="only"/);
  t.notMatch(await text(), /item_id="19999"/);
});
