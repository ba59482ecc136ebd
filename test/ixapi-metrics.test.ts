import t from 'tap';
import { find } from './helpers/exposition.js';
import { startIxapi } from './helpers/ixapi-setup.js';
import { IXAPI_STATES } from '../src/simulator/ixapi/index.js';
import { STATES } from '../src/sources/ixapi/model.js';

const MBPS = 125_000;

t.test('the exporter and the simulator agree on the 11 states of the schema', async (t) => {
  t.same([...STATES], [...IXAPI_STATES]);
  t.equal(STATES.length, 11);
});

t.test('every known state and an unknown one, for services, configs and connections', async (t) => {
  const { sim, cycle } = await startIxapi(t);
  const service = [...sim.services.values()][1]!;
  const config = [...sim.configs.values()].find((c) => c.networkService === service.id)!;
  const connection = [...sim.connections.values()][0]!;
  for (const state of [...STATES, 'pending_customer_action']) {
    service.state = state;
    config.state = state;
    connection.state = state;
    const s = await cycle();
    const checks = [
      find(s.samples, 'ixapi_network_service_state', { network_service_id: service.id }),
      find(s.samples, 'ixapi_network_service_config_state', { network_service_config_id: config.id }),
      find(s.samples, 'ixapi_connection_state', { connection_id: connection.id }),
    ];
    for (const series of checks) {
      const known = (STATES as readonly string[]).includes(state);
      t.equal(series.length, known ? 11 : 12, `${state}: one series per known state${known ? '' : ' plus the unknown one'}`);
      t.same(series.filter((x) => x.value === 1).map((x) => x.labels.state), [state], `${state}: only the current state is 1`);
      t.same(new Set(series.map((x) => x.labels.state)), new Set([...STATES, state]));
    }
  }
});

t.test('service info, capacity in bytes per second, null capacity, status by severity, decommission time', async (t) => {
  const { sim, cycle } = await startIxapi(t);
  const [a, b] = [...sim.services.values()];
  Object.assign(a!, {
    capacity: 200,
    externalRef: null,
    status: [
      { severity: 3, tag: 'x', message: 'm', attrs: {}, timestamp: '2024-01-01T00:00:00Z' },
      { severity: 3, tag: 'y', message: 'm', attrs: {}, timestamp: '2024-01-01T00:00:00Z' },
      { severity: 6, tag: 'z', message: 'm', attrs: {}, timestamp: '2024-01-01T00:00:00Z' },
    ],
    decommissionAt: '2022-08-24',
  });
  Object.assign(b!, { capacity: null, status: [], decommissionAt: '' });
  const s = await cycle();

  const info = find(s.samples, 'ixapi_network_service_info', { network_service_id: a!.id });
  t.same(info.map((x) => x.labels), [{
    target: 'ix',
    network_service_id: a!.id,
    service_type: a!.type,
    product_offering: a!.productOffering,
    managing_account: a!.managingAccount,
    consuming_account: a!.consumingAccount,
    external_ref: '',
  }]);
  t.equal(info[0]!.value, 1);
  t.same(find(s.samples, 'ixapi_network_service_capacity_bytes_per_second', { network_service_id: a!.id }).map((x) => x.value), [200 * MBPS], '200 Mbit/s = 25 MB/s');
  t.same(find(s.samples, 'ixapi_network_service_capacity_bytes_per_second', { network_service_id: b!.id }), [], 'null capacity: no series, not 0');

  const sev = Object.fromEntries(find(s.samples, 'ixapi_network_service_status_messages', { network_service_id: a!.id }).map((x) => [x.labels.severity, x.value]));
  t.same(sev, { emergency: 0, alert: 0, critical: 0, error: 2, warning: 0, notice: 0, informational: 1, debug: 0 });
  t.equal(find(s.samples, 'ixapi_network_service_status_messages', { network_service_id: b!.id }).reduce((n, x) => n + x.value, 0), 0);

  t.same(find(s.samples, 'ixapi_network_service_decommission_timestamp_seconds', { network_service_id: a!.id }).map((x) => x.value), [Date.UTC(2022, 7, 24) / 1000]);
  t.same(find(s.samples, 'ixapi_network_service_decommission_timestamp_seconds', { network_service_id: b!.id }), [], '"" means none planned');

  a!.decommissionAt = '2024-05-01T12:30:00';
  const s2 = await cycle();
  t.same(find(s2.samples, 'ixapi_network_service_decommission_timestamp_seconds', { network_service_id: a!.id }).map((x) => x.value), [Date.UTC(2024, 4, 1, 12, 30) / 1000], 'a date-time without offset is UTC');
});

t.test('configs carry service, connection and handover 1 and 2', async (t) => {
  const { sim, scrape } = await startIxapi(t, { sim: { seed: 11, services: 8 } });
  const s = await scrape();
  const diverse = [...sim.services.values()].find((x) => x.type === 'cloud_vc' && x.diversity === 2)!;
  t.ok(diverse, 'the world has a diverse cloud service');
  const configs = find(s.samples, 'ixapi_network_service_config_state', { network_service_id: diverse.id, state: 'requested' });
  t.same(new Set(configs.map((x) => x.labels.handover)), new Set(['1', '2']));
  for (const c of configs) t.equal(c.labels.connection_id, sim.configs.get(c.labels.network_service_config_id!)!.connection);
  const noHandover = find(s.samples, 'ixapi_network_service_config_state', { state: 'requested' }).filter((x) => x.labels.handover === '');
  t.ok(noHandover.length > 0, 'config types without handover get handover=""');
});

t.test('connections: speed, allocated and limit in bytes per second; null limit means no series', async (t) => {
  const { sim, cycle } = await startIxapi(t, { sim: { connections: 4 } });
  const [c0, , , c3] = [...sim.connections.values()];
  c0!.speed = 10_000;
  c0!.capacityAllocated = 9_500;
  c0!.capacityAllocationLimit = 10_000;
  c3!.speed = null;
  c3!.capacityAllocationLimit = null;
  const s = await cycle();
  const val = (name: string, id: string) => find(s.samples, name, { connection_id: id }).map((x) => x.value);
  t.same(val('ixapi_connection_speed_bytes_per_second', c0!.id), [10_000 * MBPS]);
  t.same(val('ixapi_connection_capacity_allocated_bytes_per_second', c0!.id), [9_500 * MBPS]);
  t.same(val('ixapi_connection_capacity_allocation_limit_bytes_per_second', c0!.id), [10_000 * MBPS]);
  t.same(val('ixapi_connection_capacity_allocation_limit_bytes_per_second', c3!.id), [], 'no limit: no series');
  t.same(val('ixapi_connection_speed_bytes_per_second', c3!.id), []);
  t.same(val('ixapi_connection_capacity_allocated_bytes_per_second', c3!.id), [c3!.capacityAllocated * MBPS]);
  t.same(find(s.samples, 'ixapi_connection_info', { connection_id: c0!.id }).map((x) => x.labels), [
    { target: 'ix', connection_id: c0!.id, name: c0!.name, pop: c0!.pop, mode: c0!.mode },
  ]);
});

t.test('a malformed service list fails that list only, with the JSON path in the error', async (t) => {
  const { sim, cycle, exporter } = await startIxapi(t);
  const service = [...sim.services.values()][2]!;
  const connection = [...sim.connections.values()][0]!;
  (service as { capacity: unknown }).capacity = 'lots';
  service.state = 'archived';
  connection.capacityAllocated = 1234;
  const s = await cycle();
  t.same(find(s.samples, 'ixapi_network_service_state', { network_service_id: service.id, state: 'archived' }).map((x) => x.value), [0], 'previous service series kept');
  t.same(find(s.samples, 'ixapi_connection_capacity_allocated_bytes_per_second', { connection_id: connection.id }).map((x) => x.value), [1234 * MBPS], 'connections still current');
  t.equal(find(s.samples, 'capacity_exporter_collect_success', { source: 'ixapi' })[0]!.value, 0);
  t.match(exporter.store.get('ixapi', 'ix')!.last!.errors.join('\n'), /network-services\[\d\]\.capacity should be a number/);
});
