import t, { type Test } from 'tap';
import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { FakeUpstream, FAKE_TOKEN, fakeSource } from './helpers/fake-source.js';
import { find, parseExposition, scrape } from './helpers/exposition.js';
import { startReadyExporter } from './helpers/start.js';
import { setTimeout as delay } from 'node:timers/promises';

async function setup(t: Test, extra: Record<string, unknown> = {}, count = 3) {
  const up = new FakeUpstream(count);
  const url = await up.listen();
  const { exporter, logText } = await startReadyExporter(
    t,
    { fake: [{ name: 'f1', baseUrl: url, interval: '1h', retries: 0, auth: { token: FAKE_TOKEN } }], ...extra },
    [fakeSource],
    up,
  );
  return { up, exporter, logText };
}

t.test('first cycle: series with target label, self-metrics, content type', async (t) => {
  const { exporter } = await setup(t);
  const s = await scrape(exporter.url);
  t.equal(s.status, 200);
  t.equal(s.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  t.same(
    find(s.samples, 'fake_item_value').map((x) => [x.labels.target, x.labels.item_id, x.value]),
    [
      ['f1', '1', 10],
      ['f1', '2', 20],
      ['f1', '3', 30],
    ],
  );
  t.equal(find(s.samples, 'capacity_exporter_collect_success', { source: 'fake', target: 'f1' })[0]?.value, 1);
  t.equal(find(s.samples, 'capacity_exporter_series', { source: 'fake', target: 'f1' })[0]?.value, 6);
  t.equal(find(s.samples, 'capacity_exporter_collect_interval_seconds', { source: 'fake', target: 'f1' })[0]?.value, 3600);
  t.ok(find(s.samples, 'capacity_exporter_upstream_requests_total', { endpoint: '/items/:id', code: '200' })[0]!.value >= 3);
  t.ok(find(s.samples, 'capacity_exporter_build_info').length === 1);
  t.ok(find(s.samples, 'process_resident_memory_bytes').length === 1, 'prom-client default metrics');
  t.match(s.text, /# HELP fake_item_value Value of an item\. Collected in the background every interval/);
  t.equal((s.text.match(/# TYPE fake_item_value gauge/g) ?? []).length, 1);
});

t.test('gzip answer decodes to the same series', async (t) => {
  const { exporter } = await setup(t);
  const plain = await scrape(exporter.url);
  const res = await request(`${exporter.url}/metrics`, { headers: { 'accept-encoding': 'gzip' } });
  t.equal(res.headers['content-encoding'], 'gzip');
  const text = gunzipSync(Buffer.from(await res.body.arrayBuffer())).toString('utf8');
  const names = (x: string) =>
    parseExposition(x)
      .filter((s) => s.name.startsWith('fake_'))
      .map((s) => JSON.stringify(s));
  t.same(names(text), names(plain.text));
});

t.test('a failed part keeps its previous series; a deleted item vanishes', async (t) => {
  const { up, exporter } = await setup(t);
  up.sim.faults.failPaths = [{ pattern: /^\/items\/2$/, status: 500 }];
  up.items.get('1')!.value = 11;
  up.items.delete('3');
  await exporter.runCycle('fake', 'f1');
  const s = await scrape(exporter.url);
  t.same(
    find(s.samples, 'fake_item_value').map((x) => [x.labels.item_id, x.value]),
    [
      ['1', 11],
      ['2', 20],
    ],
    'item 2 kept from before, item 3 gone',
  );
  t.equal(find(s.samples, 'capacity_exporter_collect_success', { target: 'f1' })[0]?.value, 0);
  t.equal(find(s.samples, 'capacity_exporter_collect_errors_total', { target: 'f1' })[0]?.value, 1);
});

t.test('a whole failed cycle keeps every series and sets success to 0', async (t) => {
  const { up, exporter } = await setup(t);
  up.sim.faults.failPaths = [{ pattern: /^\/items$/, status: 503 }];
  await exporter.runCycle('fake', 'f1');
  const s = await scrape(exporter.url);
  t.equal(find(s.samples, 'fake_item_value').length, 3);
  t.equal(find(s.samples, 'capacity_exporter_collect_success', { target: 'f1' })[0]?.value, 0);
  const page = await request(`${exporter.url}/`);
  const html = await page.body.text();
  t.match(html, /HTTP 503/, 'landing page shows the last error');
});

t.test('stale series vanish after maxStaleness', async (t) => {
  // A second of staleness: a loaded machine can take a few hundred ms between the ready cycle and the next.
  const { up, exporter } = await setup(t, { collection: { maxStaleness: '1s' } });
  up.sim.faults.failPaths = [{ pattern: /^\/items\/1$/, status: 500 }];
  await exporter.runCycle('fake', 'f1');
  t.equal(find((await scrape(exporter.url)).samples, 'fake_item_value', { item_id: '1' }).length, 1, 'still fresh');
  await delay(1100);
  await exporter.runCycle('fake', 'f1');
  t.equal(find((await scrape(exporter.url)).samples, 'fake_item_value', { item_id: '1' }).length, 0, 'stale, gone');
  up.sim.faults.failPaths = [{ pattern: /^\/items$/, status: 500 }];
  await delay(1100);
  await exporter.runCycle('fake', 'f1');
  t.equal(find((await scrape(exporter.url)).samples, 'fake_item_value').length, 0, 'whole failure past staleness drops all');
});
