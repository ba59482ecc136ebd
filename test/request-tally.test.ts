import t from 'tap';
import { RequestTally } from '../src/core/request-tally.js';
import { SelfMetrics } from '../src/core/selfmetrics.js';

const counted = async (metrics: SelfMetrics) =>
  (await metrics.upstreamRequests.get()).values.map((v) => `${v.labels.target} ${v.labels.endpoint} ${v.labels.code} ${v.value}`).sort();

t.test('a tally hands each count over once, by route and code', async (t) => {
  const tally = new RequestTally();
  const drained: string[] = [];
  const drain = () => tally.drain((route, code, n) => drained.push(`${route} ${code} ${n}`));
  tally.count('/a', '200');
  tally.count('/a', '200');
  tally.count('/a', '500');
  tally.count('/b', 'timeout');
  drain();
  t.same(drained.sort(), ['/a 200 2', '/a 500 1', '/b timeout 1']);
  drained.length = 0;
  drain();
  t.same(drained, [], 'nothing twice');
  tally.count('/a', '200');
  drain();
  t.same(drained, ['/a 200 1'], 'only what came since');
});

t.test("the counter reads every target's tally when it is read; a released tally is read one last time, then no more", async (t) => {
  const metrics = new SelfMetrics('test');
  const one = metrics.requestTally('fake', 'one');
  const two = metrics.requestTally('fake', 'two');
  one.count('/items', '200');
  two.count('/items', '429');
  t.same(await counted(metrics), ['one /items 200 1', 'two /items 429 1']);
  one.count('/items', '200');
  t.same(await counted(metrics), ['one /items 200 2', 'two /items 429 1'], 'counts add up across reads');

  two.count('/items', '200');
  metrics.releaseTally(two);
  two.count('/items', '200');
  t.same(await counted(metrics), ['one /items 200 2', 'two /items 200 1', 'two /items 429 1'], 'what came before the release counts, nothing after');
  await metrics.forgetTarget('fake', 'two');
  t.same(await counted(metrics), ['one /items 200 2'], 'a forgotten target has no series left, nor any to come back');
  t.match(
    await metrics.render(),
    /capacity_exporter_upstream_requests_total\{source="fake",target="one",endpoint="\/items",code="200"\} 2/,
    'in the exposition',
  );
});
