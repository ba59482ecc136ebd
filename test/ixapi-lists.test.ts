import t from 'tap';
import { find, type ParsedSample } from './helpers/exposition.js';
import { startIxapi } from './helpers/ixapi-setup.js';

const serviceIds = (samples: ParsedSample[]) =>
  new Set(find(samples, 'ixapi_network_service_info').map((x) => x.labels.network_service_id));
const success = (samples: ParsedSample[]) =>
  find(samples, 'capacity_exporter_collect_success', { source: 'ixapi' })[0]!.value;

t.test('pagination: page_limit/page_offset followed to the end of each list', async (t) => {
  const { sim, scrape } = await startIxapi(t, { sim: { services: 7, pagination: true }, target: { pageLimit: 3 } });
  const s = await scrape();
  t.same(serviceIds(s.samples), new Set(sim.services.keys()), 'all 7 services');
  const pages = sim.server.log.filter((r) => r.path === '/api/v2/network-services').map((r) => new URL(r.url, 'http://x').searchParams);
  t.same(pages.map((q) => [q.get('page_limit'), q.get('page_offset')]), [['3', '0'], ['3', '3'], ['3', '6']]);
  t.equal(find(s.samples, 'ixapi_network_service_config_state', { state: 'requested' }).length, sim.configs.size, 'every config');
  t.equal(find(s.samples, 'ixapi_connection_info').length, sim.connections.size);
});

t.test('pageLimit 0 sends no pagination parameters and reads the plain array', async (t) => {
  const { sim, scrape } = await startIxapi(t, { sim: { services: 7 }, target: { pageLimit: 0 } });
  const s = await scrape();
  t.same(serviceIds(s.samples), new Set(sim.services.keys()));
  const q = new URL(sim.server.log.find((r) => r.path === '/api/v2/network-services')!.url, 'http://x').searchParams;
  t.same([...q.keys()], []);
  t.equal(sim.server.hits('/api/v2/network-services'), 1);
});

t.test('plain arrays: a server without pagination answers everything at once', async (t) => {
  const { sim, scrape } = await startIxapi(t, { sim: { services: 7, pagination: false }, target: { pageLimit: 3 } });
  const s = await scrape();
  t.same(serviceIds(s.samples), new Set(sim.services.keys()));
  t.equal(sim.server.hits('/api/v2/network-services'), 1, 'a page larger than asked ends the list');
  t.equal(success(s.samples), 1);
});

t.test('plain arrays: a full first page from a server ignoring page_offset ends at the repeat, without duplicates', async (t) => {
  const { sim, scrape } = await startIxapi(t, { sim: { services: 3, pagination: false }, target: { pageLimit: 3 } });
  const s = await scrape();
  t.equal(sim.server.hits('/api/v2/network-services'), 2);
  t.equal(find(s.samples, 'ixapi_network_service_info').length, 3);
});

t.test('a decommissioned service that is gone (absent from the list, 404 on its own URL) loses its series', async (t) => {
  const { sim, cycle } = await startIxapi(t, { sim: { services: 6 } });
  const leaving = [...sim.services.values()].find((x) => x.lifecycle.includes('gone'))!;
  t.ok(leaving, 'the world has a service that will be decommissioned');
  const configIds = [...sim.configs.values()].filter((c) => c.networkService === leaving.id).map((c) => c.id);
  let seenRequested = false;
  for (let i = 0; i < leaving.lifecycle.length && sim.services.has(leaving.id); i++) {
    sim.tick();
    const s = await cycle();
    if (!sim.services.has(leaving.id)) break;
    if (leaving.state === 'decommission_requested') {
      seenRequested = true;
      t.equal(find(s.samples, 'ixapi_network_service_state', { network_service_id: leaving.id, state: 'decommission_requested' })[0]!.value, 1);
      t.equal(find(s.samples, 'ixapi_network_service_decommission_timestamp_seconds', { network_service_id: leaving.id }).length, 1);
    }
  }
  t.ok(seenRequested, 'passed through decommission_requested');
  t.equal(sim.services.has(leaving.id), false);
  const res = await fetch(`${sim.baseUrl}/network-services/${leaving.id}`, { headers: { authorization: sim.server.log.at(-1)!.headers.authorization! } });
  t.equal(res.status, 404);
  const s = await cycle();
  t.equal(success(s.samples), 1);
  t.same(s.samples.filter((x) => x.labels.network_service_id === leaving.id), [], 'no series of the service or its configs');
  t.same(s.samples.filter((x) => configIds.includes(x.labels.network_service_config_id ?? '')), []);
  t.ok(serviceIds(s.samples).size > 0, 'the other services remain');
});

t.test('a service that ends as archived stays, in state archived', async (t) => {
  const { sim, cycle } = await startIxapi(t, { sim: { services: 6, decommissionedAs: 'archived' } });
  const leaving = [...sim.services.values()].find((x) => x.lifecycle.includes('gone'))!;
  sim.tick(leaving.lifecycle.length);
  const s = await cycle();
  t.equal(find(s.samples, 'ixapi_network_service_state', { network_service_id: leaving.id, state: 'archived' })[0]?.value, 1);
});

t.test('a 404 on one list fails only that part: its series are kept, the other lists stay current', async (t) => {
  const { sim, cycle, exporter } = await startIxapi(t);
  const config = [...sim.configs.values()][0]!;
  const service = [...sim.services.values()][1]!;
  const connection = [...sim.connections.values()][1]!;
  sim.server.faults.failPaths = [{ pattern: /^\/api\/v2\/network-service-configs$/, status: 404 }];
  config.state = 'operator';
  service.state = 'operator';
  connection.state = 'operator';
  const s = await cycle();
  t.equal(success(s.samples), 0);
  t.match(exporter.store.get('ixapi', 'ix')!.last!.errors, [/^\/network-service-configs: HTTP 404/]);
  t.equal(find(s.samples, 'ixapi_network_service_config_state', { network_service_config_id: config.id, state: 'operator' })[0]!.value, 0, 'configs: previous series kept');
  t.equal(find(s.samples, 'ixapi_network_service_state', { network_service_id: service.id, state: 'operator' })[0]!.value, 1, 'services current');
  t.equal(find(s.samples, 'ixapi_connection_state', { connection_id: connection.id, state: 'operator' })[0]!.value, 1, 'connections current');

  sim.server.faults.failPaths = [];
  const s2 = await cycle();
  t.equal(success(s2.samples), 1);
  t.equal(find(s2.samples, 'ixapi_network_service_config_state', { network_service_config_id: config.id, state: 'operator' })[0]!.value, 1);
});

t.test('the error body is RFC 7807 problem details', async (t) => {
  const { sim } = await startIxapi(t);
  const res = await fetch(`${sim.baseUrl}/network-services`);
  t.equal(res.status, 401);
  t.match(await res.json(), { type: /^https:\/\/errors\.ix-api\.net\/v2\/authentication-error/, title: 'Authentication Error', status: 401, detail: String });
  sim.server.faults.failPaths = [{ pattern: /connections/, status: 503 }];
  const res2 = await fetch(`${sim.baseUrl}/connections`);
  t.match(await res2.json(), { type: /server-error/, status: 503, title: String, detail: String });
});

t.test('networkServiceTypes: one filtered request per type, each its own part', async (t) => {
  const { sim, scrape, cycle, exporter } = await startIxapi(t, { sim: { services: 8 }, target: { networkServiceTypes: ['cloud_vc', 'exchange_lan'] } });
  const s = await scrape();
  const want = [...sim.services.values()].filter((x) => x.type === 'cloud_vc' || x.type === 'exchange_lan');
  t.ok(want.length < sim.services.size, 'the world has other types too');
  t.same(serviceIds(s.samples), new Set(want.map((x) => x.id)));
  t.same(new Set(find(s.samples, 'ixapi_network_service_info').map((x) => x.labels.service_type)), new Set(['cloud_vc', 'exchange_lan']));
  const types = sim.server.log.filter((r) => r.path === '/api/v2/network-services').map((r) => new URL(r.url, 'http://x').searchParams.get('type'));
  t.same(types.sort(), ['cloud_vc', 'exchange_lan']);
  t.notOk(find(s.samples, 'ixapi_network_service_config_state').some((x) => !want.some((w) => w.id === x.labels.network_service_id)), 'configs of the same types only');

  const lan = want.find((x) => x.type === 'exchange_lan')!;
  const cloud = want.find((x) => x.type === 'cloud_vc')!;
  lan.state = 'archived';
  cloud.state = 'archived';
  (cloud as { capacity: unknown }).capacity = 'lots';
  const s2 = await cycle();
  t.match(exporter.store.get('ixapi', 'ix')!.last!.errors, [/capacity should be a number/], 'only the cloud_vc list failed');
  t.equal(find(s2.samples, 'ixapi_network_service_state', { network_service_id: lan.id, state: 'archived' })[0]!.value, 1, 'exchange_lan part current');
  t.equal(find(s2.samples, 'ixapi_network_service_state', { network_service_id: cloud.id, state: 'archived' })[0]!.value, 0, 'cloud_vc part kept from before');
});
