import t from 'tap';
import { IxapiSimulator } from '../src/simulator/ixapi/index.js';
import { find } from './helpers/exposition.js';
import { startIxapiDemo, success } from './helpers/ixapi-setup.js';
import { setTimeout as delay } from 'node:timers/promises';

const world = (sim: IxapiSimulator) => ({
  services: [...sim.services.values()].map((s) => sim.serviceJson(s)),
  configs: [...sim.configs.values()].map((c) => sim.configJson(c)),
  connections: [...sim.connections.values()].map((c) => sim.connectionJson(c)),
});

t.test('the world is the same for the same seed and differs for another', async (t) => {
  const now = () => Date.UTC(2026, 0, 1);
  const a = new IxapiSimulator({ seed: 5, now });
  const b = new IxapiSimulator({ seed: 5, now });
  const c = new IxapiSimulator({ seed: 6, now });
  t.same(world(a), world(b));
  t.same(a.credentials, b.credentials);
  t.notSame(world(a), world(c));
  a.tick(3);
  b.tick(3);
  t.same(world(a), world(b), 'and stays the same through the same ticks');
});

t.test('services walk their lifecycle one step per tick; one stays in error; connections near and under limits', async (t) => {
  const sim = new IxapiSimulator({ seed: 3, services: 12, respawn: true });
  const seen = new Set<string>();
  const record = () => [...sim.services.values()].forEach((s) => seen.add(s.state));
  const provisioning = [...sim.services.values()].find((s) => s.lifecycle[0] === 'requested' && s.lifecycle.at(-1) === 'production');
  t.ok(provisioning, 'the world has a service being provisioned');
  record();
  for (let i = 0; i < 10; i++) {
    sim.tick();
    record();
    t.ok(
      [...sim.services.values()].some((s) => s.state === 'error'),
      `a service in error after tick ${i + 1}`,
    );
    t.equal(sim.services.size, 12, 'gone services are replaced (respawn)');
  }
  t.equal(provisioning!.state, 'production', 'requested -> ... -> production');
  for (const state of [
    'requested',
    'allocated',
    'testing',
    'production',
    'production_change_pending',
    'decommission_requested',
    'error',
    'operator',
    'scheduled',
  ]) {
    t.ok(seen.has(state), `the world passes through ${state}`);
  }
  const ratios = [...sim.connections.values()].map((c) => (c.capacityAllocationLimit === null ? null : c.capacityAllocated / c.capacityAllocationLimit));
  t.ok(
    ratios.some((r) => r !== null && r > 0.9),
    'a connection above 90 % of its limit',
  );
  t.ok(
    ratios.some((r) => r !== null && r < 0.9),
    'and some under',
  );
  t.ok(ratios.includes(null), 'and one without a limit');
});

t.test('startClock advances the lifecycle by time (demo), stopClock freezes it', async (t) => {
  const sim = new IxapiSimulator({ seed: 4, services: 6 });
  t.teardown(() => sim.stopClock());
  const steps = () => [...sim.services.values()].map((s) => s.step).join(',');
  const before = steps();
  sim.startClock(20);
  await delay(150);
  sim.stopClock();
  const moved = steps();
  t.not(moved, before, 'services moved on');
  await delay(60);
  t.equal(steps(), moved, 'and stopped');
});

t.test('the API really carries cloud keys (so the secret scans are meaningful) and filters by type and id', async (t) => {
  const sim = new IxapiSimulator({ seed: 9 });
  await sim.listen();
  t.teardown(() => sim.close());
  const token = (await (
    await fetch(sim.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: sim.credentials.clientId, client_secret: sim.credentials.clientSecret }),
    })
  ).json()) as { access_token: string; expires_in: number; token_type: string };
  t.equal(token.token_type, 'Bearer');
  t.equal(token.expires_in, 3600);
  const get = async (path: string) =>
    (await fetch(`${sim.baseUrl}${path}`, { headers: { authorization: `Bearer ${token.access_token}` } })).json() as Promise<Array<Record<string, unknown>>>;
  const all = await get('/network-services');
  t.ok(all.some((s) => typeof s.cloud_key === 'string' && s.cloud_key.length > 8));
  const cloud = await get('/network-services?type=cloud_vc');
  t.ok(cloud.length > 0 && cloud.every((s) => s.type === 'cloud_vc'));
  const ids = all.slice(0, 2).map((s) => s.id as string);
  t.same(
    (await get(`/network-services?id=${ids.join(',')}`)).map((s) => s.id),
    ids,
  );
  t.same((await get('/network-services?no_such_filter=1')).length, all.length, 'unknown filters are ignored');
});

/** GET on the API with a fresh OAuth2 token: status and parsed body. */
async function client(sim: IxapiSimulator) {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: sim.credentials.clientId, client_secret: sim.credentials.clientSecret });
  const token = (await (await fetch(sim.tokenUrl, { method: 'POST', body: form })).json()) as { access_token: string };
  return async (path: string) => {
    const res = await fetch(`${sim.baseUrl}${path}`, { headers: { authorization: `Bearer ${token.access_token}` } });
    return { status: res.status, body: (await res.json()) as Array<Record<string, unknown>> };
  };
}

t.test('paging as schema 2.7 has it: 206 while more follow, pages capped below page_limit; servers that ignore page_offset or refuse page_limit', async (t) => {
  const sim = new IxapiSimulator({ seed: 9, services: 7, pagination: true, maxPageSize: 2 });
  await sim.listen();
  t.teardown(() => sim.close());
  const get = await client(sim);
  const ids = (r: { body: Array<Record<string, unknown>> }) => r.body.map((s) => s.id);
  const first = await get('/network-services?page_limit=5&page_offset=0');
  t.match(first, { status: 206, body: { length: 2 } }, 'capped at 2, more to come');
  t.match(await get('/network-services?page_limit=5&page_offset=4'), { status: 206, body: { length: 2 } });
  t.match(await get('/network-services?page_limit=5&page_offset=6'), { status: 200, body: { length: 1 } }, 'the last page is 200');
  t.match(await get('/network-services?page_limit=5&page_offset=7'), { status: 200, body: { length: 0 } });
  t.match(await get('/network-services?page_limit=0'), { status: 400, body: { type: /validation-error/ } });

  sim.paging.ignoreOffset = true;
  t.same(ids(await get('/network-services?page_limit=5&page_offset=4')), ids(first), 'page_offset ignored: the first page again');

  Object.assign(sim.paging, { enabled: false, rejectPaging: true });
  t.match(await get('/network-services?page_limit=5'), { status: 400, body: { type: /validation-error/, detail: /page_limit/ } }, 'before 2.7: refused');
  t.match(await get('/network-services'), { status: 200, body: { length: 7 } }, 'and everything without it');
});

t.test("worldTime: the world's dates and status timestamps do not follow the clock", async (t) => {
  const worldTime = Date.UTC(2025, 5, 1, 12);
  const world = (now: number) => {
    const sim = new IxapiSimulator({ seed: 3, services: 12, worldTime, now: () => now });
    sim.tick(2);
    sim.world.setState([...sim.services.values()][3]!, 'decommission_requested');
    return [...sim.services.values()].map((s) => sim.serviceJson(s));
  };
  const today = world(Date.now());
  t.same(today, world(Date.now() + 400 * 86_400_000), 'the same world a year later');
  const dated = today.filter((s) => s.decommission_at !== '');
  t.ok(dated.length > 0 && dated.every((s) => s.decommission_at === '2025-06-01'), 'decommission dates from worldTime');
  const stamps = today.flatMap((s) => (s.status as Array<{ timestamp: string }>).map((m) => m.timestamp));
  t.ok(stamps.length > 0 && stamps.every((x) => x === '2025-06-01T12:00:00Z'), 'status timestamps from worldTime');
});

t.test('demo(): an exporter on the demo target shows IX-API series, a service in error and a connection above 90 %', async (t) => {
  const h = await startIxapiDemo(t);
  const s = await h.samples();
  t.equal(success(s), 1);
  t.ok(
    find(s, 'ixapi_network_service_state', { state: 'error' }).some((x) => x.value === 1),
    'a service in error',
  );
  const limits = new Map(find(s, 'ixapi_connection_capacity_allocation_limit_bytes_per_second').map((x) => [x.labels.connection_id, x.value]));
  t.ok(
    find(s, 'ixapi_connection_capacity_allocated_bytes_per_second').some((x) => x.value / (limits.get(x.labels.connection_id) ?? Infinity) > 0.9),
    'a connection above 90 %',
  );
});
