import t from 'tap';
import { parseConfig } from '../src/config/load.js';
import ixapi from '../src/sources/ixapi/index.js';
import { IXAPI_STATES } from '../src/simulator/ixapi/index.js';
import { STATES } from '../src/sources/ixapi/model.js';
import { find } from './helpers/exposition.js';
import { simulator, success, targetFor } from './helpers/ixapi-setup.js';
import { startSource } from './helpers/source-harness.js';

const MBPS = 125_000;
const NO_MESSAGES = { emergency: 0, alert: 0, critical: 0, error: 0, warning: 0, notice: 0, informational: 0, debug: 0 };
const message = (severity: number) => ({ severity, tag: 't', message: 'm', attrs: {}, timestamp: '2024-01-01T00:00:00Z' });

t.test('the exporter and the simulator agree on the 11 states of the schema', async (t) => {
  t.same([...STATES], [...IXAPI_STATES]);
  t.equal(STATES.length, 11);
});

t.test('every known state and an unknown one, for services, configs and connections', async (t) => {
  const sim = await simulator(t);
  const h = await startSource(t, ixapi, targetFor(sim), sim);
  const service = [...sim.services.values()][1]!;
  const config = [...sim.configs.values()].find((c) => c.networkService === service.id)!;
  const connection = [...sim.connections.values()][0]!;
  for (const state of [...STATES, 'pending_customer_action']) {
    service.state = state;
    config.state = state;
    connection.state = state;
    await h.cycle();
    const s = await h.samples();
    const checks = [
      find(s, 'ixapi_network_service_state', { network_service_id: service.id }),
      find(s, 'ixapi_network_service_config_state', { network_service_config_id: config.id }),
      find(s, 'ixapi_connection_state', { connection_id: connection.id }),
    ];
    for (const series of checks) {
      const known = (STATES as readonly string[]).includes(state);
      t.equal(series.length, known ? 11 : 12, `${state}: one series per known state${known ? '' : ' plus the unknown one'}`);
      t.same(
        series.filter((x) => x.value === 1).map((x) => x.labels.state),
        [state],
        `${state}: only the current state is 1`,
      );
      t.same(new Set(series.map((x) => x.labels.state)), new Set([...STATES, state]));
    }
  }
});

t.test('service info, capacity in bytes per second, null capacity, status by severity, decommission time', async (t) => {
  const sim = await simulator(t);
  const h = await startSource(t, ixapi, targetFor(sim), sim);
  const [a, b] = [...sim.services.values()];
  Object.assign(a!, { capacity: 200, externalRef: 'IX:Service:23042', status: [message(3), message(3), message(6)], decommissionAt: '2022-08-24' });
  Object.assign(b!, { capacity: null, status: [], decommissionAt: '' });
  await h.cycle();
  const s = await h.samples();

  const info = find(s, 'ixapi_network_service_info', { network_service_id: a!.id });
  t.same(
    info.map((x) => x.labels),
    [
      {
        target: 'ixapi',
        network_service_id: a!.id,
        service_type: a!.type,
        product_offering: a!.productOffering,
        managing_account: a!.managingAccount,
        consuming_account: a!.consumingAccount,
      },
    ],
    'no external_ref unless labels.externalRef',
  );
  t.equal(info[0]!.value, 1);
  t.notMatch((await h.scrape()).text, /IX:Service:23042/, 'the sensitive free text is nowhere');
  t.same(
    find(s, 'ixapi_network_service_capacity_bytes_per_second', { network_service_id: a!.id }).map((x) => x.value),
    [200 * MBPS],
    '200 Mbit/s = 25 MB/s',
  );
  t.same(find(s, 'ixapi_network_service_capacity_bytes_per_second', { network_service_id: b!.id }), [], 'null capacity: no series, not 0');

  const sev = Object.fromEntries(
    find(s, 'ixapi_network_service_status_messages', { network_service_id: a!.id }).map((x) => [x.labels.severity!, x.value] as const),
  );
  t.same(sev, { ...NO_MESSAGES, error: 2, informational: 1 });
  t.equal(
    find(s, 'ixapi_network_service_status_messages', { network_service_id: b!.id }).reduce((n, x) => n + x.value, 0),
    0,
  );

  t.same(
    find(s, 'ixapi_network_service_decommission_timestamp_seconds', { network_service_id: a!.id }).map((x) => x.value),
    [Date.UTC(2022, 7, 24) / 1000],
  );
  t.same(find(s, 'ixapi_network_service_decommission_timestamp_seconds', { network_service_id: b!.id }), [], '"" means none planned');

  a!.decommissionAt = '2024-05-01T12:30:00';
  (a as { externalRef: unknown }).externalRef = 42;
  await h.cycle();
  t.same(h.errors(), [], 'external_ref is not read unless exported: no shape of it fails the list');
  t.same(
    find(await h.samples(), 'ixapi_network_service_decommission_timestamp_seconds', { network_service_id: a!.id }).map((x) => x.value),
    [Date.UTC(2024, 4, 1, 12, 30) / 1000],
    'a date-time without offset is UTC',
  );
});

t.test("labels.externalRef: external_ref on the info series, declared by the target's own family list", async (t) => {
  const sim = await simulator(t);
  const h = await startSource(t, ixapi, targetFor(sim, { labels: { externalRef: true } }), sim);
  const [a, b] = [...sim.services.values()];
  a!.externalRef = 'IX:Service:"23042"\\A';
  b!.externalRef = null;
  await h.cycle();
  const s = await h.samples();
  t.same(
    find(s, 'ixapi_network_service_info', { network_service_id: a!.id }).map((x) => x.labels.external_ref),
    ['IX:Service:"23042"\\A'],
    'escaped and read back',
  );
  t.same(
    find(s, 'ixapi_network_service_info', { network_service_id: b!.id }).map((x) => x.labels.external_ref),
    [''],
    'null: empty',
  );
  const target = parseConfig({ ixapi: [{ name: 'ixapi', ...targetFor(sim, { labels: { externalRef: true } }) }] }, [ixapi], { env: {} }).targets[0]!.config;
  const family = ixapi.families(target).find((f) => f.name === 'ixapi_network_service_info')!;
  t.same([...family.labelNames].sort(), ['consuming_account', 'external_ref', 'managing_account', 'network_service_id', 'product_offering', 'service_type']);
  for (const x of find(s, 'ixapi_network_service_info')) t.same(Object.keys(x.labels).sort(), ['target', ...family.labelNames].sort());

  (a as { externalRef: unknown }).externalRef = 42;
  await h.cycle();
  t.match(h.errors(), [/network-services\[0\]\.external_ref should be a string/], 'exported, it is checked');
});

t.test('configs carry service, connection and handover 1 and 2', async (t) => {
  const sim = await simulator(t, { seed: 11, services: 8 });
  const h = await startSource(t, ixapi, targetFor(sim), sim);
  const s = await h.samples();
  const diverse = [...sim.services.values()].find((x) => x.type === 'cloud_vc' && x.diversity === 2)!;
  t.ok(diverse, 'the world has a diverse cloud service');
  const configs = find(s, 'ixapi_network_service_config_state', { network_service_id: diverse.id, state: 'requested' });
  t.same(new Set(configs.map((x) => x.labels.handover)), new Set(['1', '2']));
  for (const c of configs) t.equal(c.labels.connection_id, sim.configs.get(c.labels.network_service_config_id!)!.connection);
  const noHandover = find(s, 'ixapi_network_service_config_state', { state: 'requested' }).filter((x) => x.labels.handover === '');
  t.ok(noHandover.length > 0, 'config types without handover get handover=""');
});

t.test('configs and connections: status messages by severity and decommission time, as services have them', async (t) => {
  const sim = await simulator(t);
  const h = await startSource(t, ixapi, targetFor(sim), sim);
  const [c0, c1] = [...sim.configs.values()];
  const [k0, k1] = [...sim.connections.values()];
  Object.assign(c0!, { status: [message(2), message(4), message(4)], decommissionAt: '2025-03-31' });
  Object.assign(c1!, { status: [], decommissionAt: null });
  Object.assign(k0!, { status: [message(0), message(7), message(9)], decommissionAt: '2025-04-30T18:00:00Z' });
  Object.assign(k1!, { status: [], decommissionAt: undefined });
  await h.cycle();
  const s = await h.samples();
  t.equal(success(s), 1);

  const bySeverity = (name: string, labels: Record<string, string>) =>
    Object.fromEntries(find(s, name, labels).map((x) => [x.labels.severity!, x.value] as const));
  t.same(bySeverity('ixapi_network_service_config_status_messages', { network_service_config_id: c0!.id }), { ...NO_MESSAGES, critical: 1, warning: 2 });
  t.same(bySeverity('ixapi_network_service_config_status_messages', { network_service_config_id: c1!.id }), NO_MESSAGES, 'every severity, 0 when none');
  t.same(
    find(s, 'ixapi_network_service_config_status_messages', { network_service_config_id: c0!.id }).map((x) => x.labels.network_service_id),
    Array(8).fill(c0!.networkService),
    'with the service it configures',
  );
  t.same(
    bySeverity('ixapi_connection_status_messages', { connection_id: k0!.id }),
    { ...NO_MESSAGES, emergency: 1, debug: 1, 9: 1 },
    "a severity outside syslog's as itself",
  );
  t.same(bySeverity('ixapi_connection_status_messages', { connection_id: k1!.id }), NO_MESSAGES);

  const decommission = (name: string, labels: Record<string, string>) => find(s, name, labels).map((x) => x.value);
  t.same(
    decommission('ixapi_network_service_config_decommission_timestamp_seconds', { network_service_config_id: c0!.id, network_service_id: c0!.networkService }),
    [Date.UTC(2025, 2, 31) / 1000],
  );
  t.same(decommission('ixapi_network_service_config_decommission_timestamp_seconds', { network_service_config_id: c1!.id }), [], 'null: none planned');
  t.same(decommission('ixapi_connection_decommission_timestamp_seconds', { connection_id: k0!.id }), [Date.UTC(2025, 3, 30, 18) / 1000]);
  t.same(decommission('ixapi_connection_decommission_timestamp_seconds', { connection_id: k1!.id }), [], 'absent: none planned');

  Object.assign(k0!, { decommissionAt: 'soon' });
  await h.cycle();
  t.match(h.errors(), [/connections\[0\]\.decommission_at should be a date/], 'a bad date fails the connection list, with its path');
});

t.test('connections: speed, allocated and limit in bytes per second; null limit means no series', async (t) => {
  const sim = await simulator(t, { connections: 4 });
  const h = await startSource(t, ixapi, targetFor(sim), sim);
  const [c0, , , c3] = [...sim.connections.values()];
  c0!.speed = 10_000;
  c0!.capacityAllocated = 9_500;
  c0!.capacityAllocationLimit = 10_000;
  c3!.speed = null;
  c3!.capacityAllocationLimit = null;
  await h.cycle();
  const s = await h.samples();
  const val = (name: string, id: string) => find(s, name, { connection_id: id }).map((x) => x.value);
  t.same(val('ixapi_connection_speed_bytes_per_second', c0!.id), [10_000 * MBPS]);
  t.same(val('ixapi_connection_capacity_allocated_bytes_per_second', c0!.id), [9_500 * MBPS]);
  t.same(val('ixapi_connection_capacity_allocation_limit_bytes_per_second', c0!.id), [10_000 * MBPS]);
  t.same(val('ixapi_connection_capacity_allocation_limit_bytes_per_second', c3!.id), [], 'no limit: no series');
  t.same(val('ixapi_connection_speed_bytes_per_second', c3!.id), []);
  t.same(val('ixapi_connection_capacity_allocated_bytes_per_second', c3!.id), [c3!.capacityAllocated * MBPS]);
  t.same(
    find(s, 'ixapi_connection_info', { connection_id: c0!.id }).map((x) => x.labels),
    [{ target: 'ixapi', connection_id: c0!.id, name: c0!.name, pop: c0!.pop, mode: c0!.mode }],
  );
});

t.test('a malformed service list fails that list only, with the JSON path in the error', async (t) => {
  const sim = await simulator(t);
  const h = await startSource(t, ixapi, targetFor(sim), sim);
  const service = [...sim.services.values()][2]!;
  const connection = [...sim.connections.values()][0]!;
  (service as { capacity: unknown }).capacity = 'lots';
  service.state = 'archived';
  connection.capacityAllocated = 1234;
  await h.cycle();
  const s = await h.samples();
  t.same(
    find(s, 'ixapi_network_service_state', { network_service_id: service.id, state: 'archived' }).map((x) => x.value),
    [0],
    'previous service series kept',
  );
  t.same(
    find(s, 'ixapi_connection_capacity_allocated_bytes_per_second', { connection_id: connection.id }).map((x) => x.value),
    [1234 * MBPS],
    'connections still current',
  );
  t.equal(success(s), 0);
  t.match(h.errors().join('\n'), /network-services\[\d\]\.capacity should be a number/);
});
