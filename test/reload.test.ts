import t, { type Test } from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { startExporter } from '../src/app.js';
import { loadConfigFile } from '../src/config/load.js';
import type { Source } from '../src/core/source.js';
import { FakeUpstream, FAKE_TOKEN, fakeSource } from './helpers/fake-source.js';
import { find, scrape } from './helpers/exposition.js';
import { captureLogger } from './helpers/log.js';

/**
 * Config reloads as an operator does them: edit the file, then SIGHUP or
 * POST /-/reload (the CLI test sends the real signal; here the exporter's
 * reload() is what both call).
 */
async function setup(t: Test, targets: (url: string, dir: string) => Record<string, unknown>, registry: readonly Source[] = [fakeSource]) {
  const up = new FakeUpstream(2);
  const url = await up.listen();
  const dir = mkdtempSync(join(tmpdir(), 'reload-'));
  const file = join(dir, 'config.json');
  const write = (raw: Record<string, unknown>) => writeFileSync(file, JSON.stringify({ log: { level: 'debug' }, ...raw }));
  write(targets(url, dir));
  const load = () => loadConfigFile(file, registry, { env: {} });
  const captured = captureLogger();
  const exporter = await startExporter({ config: load(), reload: load, log: captured.log, host: '127.0.0.1', port: 0, startupJitterMs: 0 });
  t.teardown(async () => {
    await exporter.close();
    await up.close();
  });
  await exporter.ready();
  return { up, url, dir, exporter, write, logText: captured.text };
}

const target = (name: string, url: string, extra: Record<string, unknown> = {}) => ({
  name,
  baseUrl: url,
  interval: '1h',
  retries: 0,
  auth: { token: FAKE_TOKEN },
  ...extra,
});

t.test('unchanged targets keep their snapshot and schedule; a changed one restarts; a new one starts; a removed one vanishes at once', async (t) => {
  const { up, url, exporter, write } = await setup(t, (u) => ({ fake: [target('keep', u), target('change', u), target('drop', u)] }));
  const keep = exporter.store.get('fake', 'keep')!;
  const change = exporter.store.get('fake', 'change')!;
  const listsBefore = up.sim.hits('/items');
  t.equal(listsBefore, 3, 'one first cycle per target');

  write({ fake: [target('keep', url), target('change', url, { timeout: '10s' }), target('new', url)] });
  const outcome = await exporter.reload('test');
  t.same(outcome, { ok: true, changes: { added: ['fake/new'], restarted: ['fake/change'], removed: ['fake/drop'], unchanged: ['fake/keep'] }, notApplied: [] });
  t.equal(exporter.store.get('fake', 'keep'), keep, 'the unchanged target is the same one');
  t.not(exporter.store.get('fake', 'change'), change, 'the changed target restarted');
  t.equal(exporter.store.get('fake', 'change')!.config.timeout, 10_000);

  const right = await scrape(exporter.url);
  t.same(
    [...new Set(find(right.samples, 'fake_item_value').map((s) => s.labels.target))].sort(),
    ['change', 'keep'],
    "the restarted target's series carried over; the new one has none yet; the removed one is gone",
  );
  t.same(find(right.samples, 'capacity_exporter_collect_success', { target: 'drop' }), [], 'no self-metric of the removed target is left to alert on');
  t.same(find(right.samples, 'capacity_exporter_upstream_requests_total', { target: 'drop' }), []);
  t.same(find(right.samples, 'capacity_exporter_upstream_request_duration_seconds_count', { target: 'drop' }), []);

  await exporter.ready();
  t.equal(up.sim.hits('/items'), listsBefore + 2, 'first cycles of the restarted and the new target only');
  const after = await scrape(exporter.url);
  t.same([...new Set(find(after.samples, 'fake_item_value').map((s) => s.labels.target))], ['keep', 'change', 'new'], 'series in the order of the new config');
  t.equal(find(after.samples, 'capacity_exporter_config_last_reload_successful')[0]?.value, 1);
});

t.test('a bad file keeps the old configuration running and says every problem', async (t) => {
  const { url, exporter, write, logText } = await setup(t, (u) => ({ fake: [target('a', u)] }));
  const before = find((await scrape(exporter.url)).samples, 'capacity_exporter_config_last_reload_success_timestamp_seconds')[0]!.value;
  write({ server: { port: 'x' }, fake: [target('a', url, { interval: 'often', colour: 'blue' })] });
  const outcome = await exporter.reload('test');
  t.same(outcome, {
    ok: false,
    problems: [
      'server.port: ports must be within range 0 - 65535',
      'fake[0].interval: must be a duration with its unit, such as 30s, 5m or 1h',
      'fake[0].colour: unknown key',
    ],
  });
  const s = await scrape(exporter.url);
  t.equal(find(s.samples, 'capacity_exporter_config_last_reload_successful')[0]?.value, 0);
  t.equal(
    find(s.samples, 'capacity_exporter_config_last_reload_success_timestamp_seconds')[0]?.value,
    before,
    'the running config is still the one loaded before',
  );
  t.equal(find(s.samples, 'fake_item_value', { target: 'a' }).length, 2, 'series kept');
  t.equal(exporter.store.get('fake', 'a')!.config.interval, 3_600_000, 'old settings running');
  t.match(logText(), /configuration reload failed; the previous configuration keeps running/);
  t.match(logText(), /fake\[0\]\.colour: unknown key/);
  t.match(logText(), /server\.port: ports must be within range/);

  write({ fake: [target('a', url, { interval: '2h' })] });
  t.match(await exporter.reload('test'), { ok: true, changes: { restarted: ['fake/a'] } });
  const fixed = await scrape(exporter.url);
  t.equal(find(fixed.samples, 'capacity_exporter_config_last_reload_successful')[0]?.value, 1);
  t.ok(find(fixed.samples, 'capacity_exporter_config_last_reload_success_timestamp_seconds')[0]!.value >= before);
});

t.test('secret files are read again: a rotated token restarts its target with the new one', async (t) => {
  const { up, dir, url, exporter, write } = await setup(t, (u, d) => {
    writeFileSync(join(d, 'token'), `${FAKE_TOKEN}\n`);
    return { fake: [{ name: 'a', baseUrl: u, interval: '1h', retries: 0, auth: { tokenFile: join(d, 'token') } }] };
  });
  up.token = 'rotated-token-abcdefgh';
  await exporter.runCycle('fake', 'a');
  t.equal(exporter.store.get('fake', 'a')!.last?.success, false, 'the old token is refused');
  writeFileSync(join(dir, 'token'), 'rotated-token-abcdefgh\n');
  write({ fake: [{ name: 'a', baseUrl: url, interval: '1h', retries: 0, auth: { tokenFile: join(dir, 'token') } }] });
  t.match(await exporter.reload('test'), { ok: true, changes: { restarted: ['fake/a'] } }, 'same file, new secret: a changed target');
  await exporter.ready();
  t.equal(exporter.store.get('fake', 'a')!.last?.success, true, 'the new token works');
});

t.test('POST /-/reload: behind server.auth, 200 with the changes, 500 with the problems', async (t) => {
  const auth = { server: { auth: { bearerToken: 'scrape-secret-1' } } };
  const { url, exporter, write } = await setup(t, (u) => ({ ...auth, fake: [target('a', u)] }));
  const post = async (headers: Record<string, string> = { authorization: 'Bearer scrape-secret-1' }, method: 'POST' | 'GET' | 'PUT' = 'POST') => {
    const res = await request(`${exporter.url}/-/reload`, { method, headers });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown>, headers: res.headers };
  };
  t.equal((await post({})).status, 401, 'no credentials, no reload');
  const get = await post(undefined, 'GET');
  t.equal(get.status, 405);
  t.equal(get.headers.allow, 'POST, PUT');

  write({ ...auth, fake: [target('a', url), target('b', url)] });
  const ok = await post();
  t.equal(ok.status, 200);
  t.same(ok.body, { status: 'success', added: ['fake/b'], restarted: [], removed: [], unchanged: ['fake/a'], notApplied: [] });

  write({ ...auth, server: { ...auth.server, port: 1 }, fake: [target('a', url)] });
  const port = await post(undefined, 'PUT');
  t.equal(port.status, 200);
  t.same(port.body.notApplied, ['server.port'], 'a new port needs a restart, and says so');

  write({ ...auth, fake: [target('a', url), target('a', url)] });
  const bad = await post();
  t.equal(bad.status, 500);
  t.same(bad.body.problems, ['fake[1].name: duplicate target name "a" in fake']);
  t.ok(exporter.store.get('fake', 'a'), 'still running');

  write({ server: { auth: { bearerToken: 'scrape-secret-2' } }, fake: [target('a', url)] });
  t.equal((await post()).status, 200, 'the reload that changes the token is allowed by the old one');
  t.equal((await post()).status, 401, 'then the old token is refused');
  t.equal((await post({ authorization: 'Bearer scrape-secret-2' })).status, 200);
});

t.test('a target that cannot be built refuses the reload, logged, instead of crashing it; the auth stays as it was', async (t) => {
  const brittle: Source = {
    ...fakeSource,
    create: (target, deps) => {
      if (target.name === 'boom') throw new Error('cannot build boom');
      return fakeSource.create(target, deps);
    },
  };
  const { url, exporter, write, logText } = await setup(t, (u) => ({ fake: [target('a', u)] }), [brittle]);
  write({ server: { auth: { bearerToken: 'scrape-secret-1' } }, fake: [target('a', url), target('boom', url)] });
  t.same(await exporter.reload('test'), { ok: false, problems: ['applying the targets failed: cannot build boom'] });
  const s = await scrape(exporter.url);
  t.equal(find(s.samples, 'capacity_exporter_config_last_reload_successful')[0]?.value, 0);
  t.equal(find(s.samples, 'fake_item_value', { target: 'a' }).length, 2, 'scraped without the new token: the running auth is kept');
  t.match(logText(), /configuration reload failed; the previous configuration keeps running/);
});

t.test('an exporter started without a file cannot reload, and says so', async (t) => {
  const captured = captureLogger();
  const { parseConfig } = await import('../src/config/load.js');
  const exporter = await startExporter({ config: parseConfig({}, [fakeSource], { env: {} }), log: captured.log, host: '127.0.0.1', port: 0 });
  t.teardown(() => exporter.close());
  const res = await request(`${exporter.url}/-/reload`, { method: 'POST' });
  t.equal(res.statusCode, 501);
  await res.body.dump();
});
