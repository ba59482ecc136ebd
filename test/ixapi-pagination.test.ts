import t from 'tap';
import ixapi from '../src/sources/ixapi/index.js';
import type { IxapiSimulator } from '../src/simulator/ixapi/index.js';
import { find, type ParsedSample } from './helpers/exposition.js';
import { simulator, success, targetFor } from './helpers/ixapi-setup.js';
import { startSource } from './helpers/source-harness.js';

const serviceIds = (samples: ParsedSample[]) => new Set(find(samples, 'ixapi_network_service_info').map((x) => x.labels.network_service_id));

/** page_limit and page_offset of each request for the network service list, in order. */
const servicePages = (sim: IxapiSimulator) =>
  sim.server.log
    .filter((r) => r.path === '/api/v2/network-services')
    .map((r) => new URL(r.url, 'http://x').searchParams)
    .map((q) => [q.get('page_limit'), q.get('page_offset')]);

t.test('schema 2.7: page_limit/page_offset followed to the end of each list', async (t) => {
  const sim = await simulator(t, { services: 7, pagination: true });
  const h = await startSource(t, ixapi, targetFor(sim, { pageLimit: 3 }), sim);
  const s = await h.samples();
  t.same(serviceIds(s), new Set(sim.services.keys()), 'all 7 services');
  t.same(
    servicePages(sim),
    [
      ['3', '0'],
      ['3', '3'],
      ['3', '6'],
    ],
    '206, 206, then a short 200',
  );
  t.equal(find(s, 'ixapi_network_service_config_state', { state: 'requested' }).length, sim.configs.size, 'every config');
  t.equal(find(s, 'ixapi_connection_info').length, sim.connections.size);
});

t.test('a server that caps pages below page_limit and answers 206: every page read, the offset moving by what came', async (t) => {
  const sim = await simulator(t, { services: 9, pagination: true, maxPageSize: 2 });
  const h = await startSource(t, ixapi, targetFor(sim, { pageLimit: 5 }), sim);
  const s = await h.samples();
  t.equal(success(s), 1);
  t.same(serviceIds(s), new Set(sim.services.keys()), 'all 9 services, not the first 2');
  t.same(servicePages(sim), [
    ['5', '0'],
    ['5', '2'],
    ['5', '4'],
    ['5', '6'],
    ['5', '8'],
  ]);
  t.equal(find(s, 'ixapi_network_service_config_state', { state: 'requested' }).length, sim.configs.size, 'every config');
});

t.test('full pages answered 200 are followed until an empty page', async (t) => {
  const sim = await simulator(t, { services: 6, pagination: true, partialContent: false });
  const h = await startSource(t, ixapi, targetFor(sim, { pageLimit: 3 }), sim);
  t.same(serviceIds(await h.samples()), new Set(sim.services.keys()));
  t.same(servicePages(sim), [
    ['3', '0'],
    ['3', '3'],
    ['3', '6'],
  ]);
});

t.test('a server that ignores page_offset yet promises more (206): the repeat ends the list as an error, previous series kept', async (t) => {
  const sim = await simulator(t, { services: 7, pagination: true });
  const h = await startSource(t, ixapi, targetFor(sim, { pageLimit: 3 }), sim);
  const before = await h.samples();
  const service = [...sim.services.values()][6]!;
  service.state = 'operator';
  sim.paging.ignoreOffset = true;
  sim.server.log.length = 0;
  await h.cycle();
  const s = await h.samples();
  t.same(
    servicePages(sim),
    [
      ['3', '0'],
      ['3', '3'],
    ],
    'stops at the first page seen twice',
  );
  t.equal(success(s), 0);
  t.match(h.errors(), [/^\/network-services: .*206 Partial Content.*page_offset/]);
  t.same(serviceIds(s), serviceIds(before), 'no service lost');
  t.equal(find(s, 'ixapi_network_service_state', { network_service_id: service.id, state: 'operator' })[0]!.value, 0, 'the list keeps its previous series');
  t.same(new Set(s.map((x) => `${x.name}${JSON.stringify(x.labels)}`)).size, s.length, 'no series twice');
});

t.test('plain arrays: a server without pagination answers everything at once', async (t) => {
  const sim = await simulator(t, { services: 7 });
  const h = await startSource(t, ixapi, targetFor(sim, { pageLimit: 3 }), sim);
  const s = await h.samples();
  t.same(serviceIds(s), new Set(sim.services.keys()));
  t.equal(sim.server.hits('/api/v2/network-services'), 1, 'a page larger than asked ends the list');
  t.equal(success(s), 1);
});

t.test('plain arrays: a full first page from a server ignoring page_offset ends at the repeat, without duplicates', async (t) => {
  const sim = await simulator(t, { services: 3 });
  const h = await startSource(t, ixapi, targetFor(sim, { pageLimit: 3 }), sim);
  const s = await h.samples();
  t.equal(sim.server.hits('/api/v2/network-services'), 2);
  t.equal(find(s, 'ixapi_network_service_info').length, 3);
  t.equal(success(s), 1);
});

t.test('a server before 2.7 that refuses page_limit with 400: one unpaged request, remembered for the target, logged once', async (t) => {
  const sim = await simulator(t, { services: 7, rejectPaging: true });
  const h = await startSource(t, ixapi, targetFor(sim, { pageLimit: 3 }), sim);
  const s = await h.samples();
  t.equal(success(s), 1);
  t.same(h.errors(), []);
  t.same(serviceIds(s), new Set(sim.services.keys()), 'all 7 services');
  t.equal(find(s, 'ixapi_connection_info').length, sim.connections.size, 'and every connection');
  t.same(
    servicePages(sim),
    [
      ['3', '0'],
      [null, null],
    ],
    'refused once, then read whole',
  );

  sim.server.log.length = 0;
  await h.cycle();
  t.same(servicePages(sim), [[null, null]], 'the next cycle sends no page_limit at all');
  t.equal(sim.server.hits('/api/v2/connections'), 1);
  t.equal(success(await h.samples()), 1);
  const warnings = h
    .logText()
    .split('\n')
    .filter((l) => l.includes('page_limit'));
  t.equal(warnings.length, 1, `logged once for the target: ${warnings.join('\n')}`);
  t.match(warnings[0], /"level":40/);
});

t.test('a 400 that unpaged requests get too is an error of the list, not a reason to stop paging', async (t) => {
  const sim = await simulator(t, { services: 7, pagination: true });
  const h = await startSource(t, ixapi, targetFor(sim, { pageLimit: 3 }), sim);
  sim.server.faults.failPaths = [{ pattern: /^\/api\/v2\/connections$/, status: 400 }];
  await h.cycle();
  t.match(h.errors(), [/^\/connections: HTTP 400/]);
  sim.server.faults.failPaths = [];
  sim.server.log.length = 0;
  await h.cycle();
  t.same(h.errors(), []);
  t.same(
    servicePages(sim),
    [
      ['3', '0'],
      ['3', '3'],
      ['3', '6'],
    ],
    'still paged',
  );
  t.notMatch(h.logText(), /page_limit/);
});

t.test('pageLimit 0 sends no pagination parameters and reads the plain array', async (t) => {
  const sim = await simulator(t, { services: 7 });
  const h = await startSource(t, ixapi, targetFor(sim, { pageLimit: 0 }), sim);
  t.same(serviceIds(await h.samples()), new Set(sim.services.keys()));
  const q = new URL(sim.server.log.find((r) => r.path === '/api/v2/network-services')!.url, 'http://x').searchParams;
  t.same([...q.keys()], []);
  t.equal(sim.server.hits('/api/v2/network-services'), 1);
});

t.test('pageLimit 0 against a server that pages anyway (its own page size, 206): page_offset followed', async (t) => {
  const sim = await simulator(t, { services: 7, pagination: true, defaultPageSize: 3 });
  const h = await startSource(t, ixapi, targetFor(sim, { pageLimit: 0 }), sim);
  const s = await h.samples();
  t.equal(success(s), 1);
  t.same(serviceIds(s), new Set(sim.services.keys()), 'all 7 services, not the first page');
  t.same(servicePages(sim), [
    [null, null],
    [null, '3'],
    [null, '6'],
  ]);
});
