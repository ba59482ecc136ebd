import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { request } from 'undici';
import { FakeUpstream, FAKE_TOKEN, fakeSource } from './helpers/fake-source.js';
import { find, scrape } from './helpers/exposition.js';
import { startTestExporter } from './helpers/start.js';

async function setup(t: Test, extra: Record<string, unknown> = {}, prepare?: (up: FakeUpstream) => void) {
  const up = new FakeUpstream(3);
  prepare?.(up);
  const url = await up.listen();
  const { exporter } = await startTestExporter({ fake: [{ name: 'f1', baseUrl: url, interval: '1h', retries: 0, auth: { token: FAKE_TOKEN } }], ...extra }, [
    fakeSource,
  ]);
  t.teardown(async () => {
    await exporter.close();
    await up.close();
  });
  return { up, exporter };
}

async function get(url: string, headers: Record<string, string> = {}, method: 'GET' | 'POST' | 'HEAD' = 'GET') {
  const res = await request(url, { method, headers });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text };
}

t.test('/readyz is 503 naming pending targets until the first cycle ends', async (t) => {
  const { exporter } = await setup(t, {}, (up) => (up.itemDelayMs = 400));
  const before = await get(`${exporter.url}/readyz`);
  t.equal(before.status, 503);
  t.same(JSON.parse(before.text), { status: 'pending', pending: ['fake/f1'] });
  t.equal((await get(`${exporter.url}/healthz`)).status, 200, 'healthy while not ready');
  const page = await get(`${exporter.url}/`);
  t.match(page.text, /<td>fake<\/td><td>f1<\/td><td>pending<\/td>/);
  await exporter.ready();
  const after = await get(`${exporter.url}/readyz`);
  t.equal(after.status, 200);
  t.same(JSON.parse(after.text), { status: 'ready' });
});

t.test('landing page lists targets with their last cycle', async (t) => {
  const { exporter } = await setup(t);
  await exporter.ready();
  const page = await get(`${exporter.url}/`);
  t.equal(page.status, 200);
  t.match(page.headers['content-type'], /text\/html/);
  t.match(page.text, /<td>fake<\/td><td>f1<\/td><td>\d{4}-\d\d-\d\dT[^<]+<\/td><td>ok<\/td><td>[\d.]+ s<\/td><td>6<\/td>/);
});

t.test('404 and 405 are JSON', async (t) => {
  const { exporter } = await setup(t);
  const nf = await get(`${exporter.url}/nope`);
  t.equal(nf.status, 404);
  t.equal((JSON.parse(nf.text) as { error: string }).error, 'not_found');
  const na = await get(`${exporter.url}/metrics`, {}, 'POST');
  t.equal(na.status, 405);
  t.equal(na.headers.allow, 'GET, HEAD');
  t.equal((JSON.parse(na.text) as { error: string }).error, 'method_not_allowed');
  const head = await get(`${exporter.url}/metrics`, {}, 'HEAD');
  t.equal(head.status, 200);
  t.equal(head.text, '');
});

t.test('bearer auth guards every route but /healthz', async (t) => {
  const { exporter } = await setup(t, { server: { auth: { bearerToken: 'scrape-secret-123' } } });
  for (const path of ['/metrics', '/readyz', '/', '/nope']) {
    const res = await get(`${exporter.url}${path}`);
    t.equal(res.status, 401, `${path} without credentials`);
    t.match(res.headers['www-authenticate'], /Bearer/);
  }
  t.equal((await get(`${exporter.url}/metrics`, { authorization: 'Bearer wrong' })).status, 401);
  t.equal((await get(`${exporter.url}/metrics`, { authorization: 'Bearer scrape-secret-123' })).status, 200);
  t.equal((await get(`${exporter.url}/metrics`, { authorization: 'bearer scrape-secret-123' })).status, 200, 'scheme is case-insensitive');
  t.equal((await get(`${exporter.url}/healthz`)).status, 200);
});

t.test('basic auth', async (t) => {
  const { exporter } = await setup(t, { server: { auth: { basic: { username: 'prom', password: 'p@ss:word' } } } });
  const good = `Basic ${Buffer.from('prom:p@ss:word').toString('base64')}`;
  const bad = `Basic ${Buffer.from('prom:nope').toString('base64')}`;
  t.equal((await get(`${exporter.url}/metrics`)).status, 401);
  t.equal((await get(`${exporter.url}/metrics`, { authorization: bad })).status, 401);
  t.equal((await get(`${exporter.url}/metrics`, { authorization: good })).status, 200);
  t.equal((await get(`${exporter.url}/healthz`)).status, 200);
});

t.test('odd label values are escaped and the output passes promtool', async (t) => {
  const odd = ['quote " here', 'back\\slash', 'new\nline', 'Zürich – 東京 🚀', 'trailing \\', '{}=,'];
  const { exporter } = await setup(t, {}, (up) => {
    up.items.clear();
    odd.forEach((name, i) => up.items.set(String(i), { name, value: i }));
  });
  await exporter.ready();
  const s = await scrape(exporter.url);
  t.same(
    find(s.samples, 'fake_item_info').map((x) => x.labels.name),
    odd,
    'values round-trip',
  );
  t.match(s.text, /name="quote \\" here"/);
  t.match(s.text, /name="back\\\\slash"/);
  t.match(s.text, /name="new\\nline"/);
  t.match(s.text, /name="Zürich – 東京 🚀"/);
  const check = spawnSync('promtool', ['check', 'metrics'], { input: s.text, encoding: 'utf8' });
  t.equal(check.status, 0, `promtool check metrics: ${check.stdout}${check.stderr}`);
});
