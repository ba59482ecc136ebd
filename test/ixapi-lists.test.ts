import t from 'tap';
import ixapi from '../src/sources/ixapi/index.js';
import { find, type ParsedSample } from './helpers/exposition.js';
import { simulator, success, targetFor } from './helpers/ixapi-setup.js';
import { startSource } from './helpers/source-harness.js';

const serviceIds = (samples: ParsedSample[]) => new Set(find(samples, 'ixapi_network_service_info').map((x) => x.labels.network_service_id));

t.test('a decommissioned service that is gone (absent from the list, 404 on its own URL) loses its series', async (t) => {
  const sim = await simulator(t);
  const h = await startSource(t, ixapi, targetFor(sim), sim);
  const leaving = [...sim.services.values()].find((x) => x.lifecycle.includes('gone'))!;
  t.ok(leaving, 'the world has a service that will be decommissioned');
  const configIds = [...sim.configs.values()].filter((c) => c.networkService === leaving.id).map((c) => c.id);
  let seenRequested = false;
  for (let i = 0; i < leaving.lifecycle.length && sim.services.has(leaving.id); i++) {
    sim.tick();
    await h.cycle();
    if (!sim.services.has(leaving.id)) break;
    if (leaving.state === 'decommission_requested') {
      seenRequested = true;
      const s = await h.samples();
      t.equal(find(s, 'ixapi_network_service_state', { network_service_id: leaving.id, state: 'decommission_requested' })[0]!.value, 1);
      t.equal(find(s, 'ixapi_network_service_decommission_timestamp_seconds', { network_service_id: leaving.id }).length, 1);
      t.equal(
        find(s, 'ixapi_network_service_config_decommission_timestamp_seconds', { network_service_id: leaving.id }).length,
        configIds.length,
        'its configs go with it',
      );
    }
  }
  t.ok(seenRequested, 'passed through decommission_requested');
  t.equal(sim.services.has(leaving.id), false);
  const res = await fetch(`${sim.baseUrl}/network-services/${leaving.id}`, { headers: { authorization: sim.server.log.at(-1)!.headers.authorization! } });
  t.equal(res.status, 404);
  await h.cycle();
  const s = await h.samples();
  t.equal(success(s), 1);
  t.same(
    s.filter((x) => x.labels.network_service_id === leaving.id),
    [],
    'no series of the service or its configs',
  );
  t.same(
    s.filter((x) => configIds.includes(x.labels.network_service_config_id ?? '')),
    [],
  );
  t.ok(serviceIds(s).size > 0, 'the other services remain');
});

t.test('a service that ends as archived stays, in state archived', async (t) => {
  const sim = await simulator(t, { decommissionedAs: 'archived' });
  const h = await startSource(t, ixapi, targetFor(sim), sim);
  const leaving = [...sim.services.values()].find((x) => x.lifecycle.includes('gone'))!;
  sim.tick(leaving.lifecycle.length);
  await h.cycle();
  t.equal(find(await h.samples(), 'ixapi_network_service_state', { network_service_id: leaving.id, state: 'archived' })[0]?.value, 1);
});

t.test('a 404 on one list fails only that part: its series are kept, the other lists stay current', async (t) => {
  const sim = await simulator(t);
  const h = await startSource(t, ixapi, targetFor(sim), sim);
  const config = [...sim.configs.values()][0]!;
  const service = [...sim.services.values()][1]!;
  const connection = [...sim.connections.values()][1]!;
  sim.server.faults.failPaths = [{ pattern: /^\/api\/v2\/network-service-configs$/, status: 404 }];
  config.state = 'operator';
  service.state = 'operator';
  connection.state = 'operator';
  await h.cycle();
  const s = await h.samples();
  t.equal(success(s), 0);
  t.match(h.errors(), [/^\/network-service-configs: HTTP 404/]);
  t.equal(
    find(s, 'ixapi_network_service_config_state', { network_service_config_id: config.id, state: 'operator' })[0]!.value,
    0,
    'configs: previous series kept',
  );
  t.equal(find(s, 'ixapi_network_service_state', { network_service_id: service.id, state: 'operator' })[0]!.value, 1, 'services current');
  t.equal(find(s, 'ixapi_connection_state', { connection_id: connection.id, state: 'operator' })[0]!.value, 1, 'connections current');

  sim.server.faults.failPaths = [];
  await h.cycle();
  const s2 = await h.samples();
  t.equal(success(s2), 1);
  t.equal(find(s2, 'ixapi_network_service_config_state', { network_service_config_id: config.id, state: 'operator' })[0]!.value, 1);
});

t.test('the error body is RFC 7807 problem details', async (t) => {
  const sim = await simulator(t);
  const res = await fetch(`${sim.baseUrl}/network-services`);
  t.equal(res.status, 401);
  t.match(await res.json(), { type: /^https:\/\/errors\.ix-api\.net\/v2\/authentication-error/, title: 'Authentication Error', status: 401, detail: String });
  sim.server.faults.failPaths = [{ pattern: /connections/, status: 503 }];
  const res2 = await fetch(`${sim.baseUrl}/connections`);
  t.match(await res2.json(), { type: /server-error/, status: 503, title: String, detail: String });
});

t.test('networkServiceTypes: one filtered request per type, each its own part', async (t) => {
  const sim = await simulator(t, { services: 8 });
  const h = await startSource(t, ixapi, targetFor(sim, { networkServiceTypes: ['cloud_vc', 'exchange_lan'] }), sim);
  const s = await h.samples();
  const want = [...sim.services.values()].filter((x) => x.type === 'cloud_vc' || x.type === 'exchange_lan');
  t.ok(want.length < sim.services.size, 'the world has other types too');
  t.same(serviceIds(s), new Set(want.map((x) => x.id)));
  t.same(new Set(find(s, 'ixapi_network_service_info').map((x) => x.labels.service_type)), new Set(['cloud_vc', 'exchange_lan']));
  const types = sim.server.log.filter((r) => r.path === '/api/v2/network-services').map((r) => new URL(r.url, 'http://x').searchParams.get('type'));
  t.same(types.sort(), ['cloud_vc', 'exchange_lan']);
  t.notOk(
    find(s, 'ixapi_network_service_config_state').some((x) => !want.some((w) => w.id === x.labels.network_service_id)),
    'configs of the same types only',
  );

  const lan = want.find((x) => x.type === 'exchange_lan')!;
  const cloud = want.find((x) => x.type === 'cloud_vc')!;
  lan.state = 'archived';
  cloud.state = 'archived';
  (cloud as { capacity: unknown }).capacity = 'lots';
  await h.cycle();
  const s2 = await h.samples();
  t.match(h.errors(), [/capacity should be a number/], 'only the cloud_vc list failed');
  t.equal(find(s2, 'ixapi_network_service_state', { network_service_id: lan.id, state: 'archived' })[0]!.value, 1, 'exchange_lan part current');
  t.equal(find(s2, 'ixapi_network_service_state', { network_service_id: cloud.id, state: 'archived' })[0]!.value, 0, 'cloud_vc part kept from before');
});
