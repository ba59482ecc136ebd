import { CycleResult, type Sample } from '../../core/series.js';
import type { Collector, SourceDeps } from '../types.js';
import { createAuth } from './auth.js';
import { IxapiClient } from './client.js';
import type { IxapiTarget } from './config.js';
import { SEVERITIES, STATES, type Connection, type NetworkService, type NetworkServiceConfig } from './model.js';

/** IX-API speeds and capacities are in Mbit/s; the exporter's unit is bytes per second. */
export const MBPS_TO_BYTES_PER_SECOND = 1_000_000 / 8;

/**
 * Each list request is its own part (one per service type when filtered), so
 * a 404 or 500 on one list keeps that list's previous series and leaves the
 * others current. A list holds every object of its kind: an object missing
 * from a successful answer is gone upstream, and so are its series.
 */
export function createCollector(target: IxapiTarget, deps: SourceDeps): Collector {
  const auth = createAuth(target.auth, { http: deps.http, metrics: deps.metrics, target: target.name });
  const client = new IxapiClient(deps.http, auth, target.pageLimit);
  const types: Array<string | undefined> = target.networkServiceTypes.length ? target.networkServiceTypes : [undefined];
  return {
    async collect(ctx) {
      const scope = { signal: ctx.signal, deadline: ctx.deadline };
      const result = new CycleResult(ctx);
      await Promise.all([
        ...types.map((type) =>
          result.part(partKey('network-services', type), async () => (await client.networkServices(type, scope)).flatMap(serviceSamples)),
        ),
        ...types.map((type) =>
          result.part(partKey('network-service-configs', type), async () => (await client.networkServiceConfigs(type, scope)).flatMap(configSamples)),
        ),
        result.part('connections', async () => (await client.connections(scope)).flatMap(connectionSamples)),
      ]);
      return result;
    },
  };
}

function partKey(list: string, type: string | undefined): string {
  return type === undefined ? list : `${list}/${encodeURIComponent(type)}`;
}

/** One series per known state (1 for the current one), plus the current one if the schema does not know it. */
export function stateSamples(name: string, labels: Record<string, string>, state: string): Sample[] {
  const samples: Sample[] = STATES.map((s) => ({ name, labels: { ...labels, state: s }, value: s === state ? 1 : 0 }));
  if (!(STATES as readonly string[]).includes(state)) samples.push({ name, labels: { ...labels, state }, value: 1 });
  return samples;
}

/** Every severity appears (0 when none), so that alerts and dashboards need no `or vector(0)`. */
function severityCounts(severities: number[]): Map<string, number> {
  const counts = new Map<string, number>(SEVERITIES.map((s) => [s, 0]));
  for (const sev of severities) {
    const name = SEVERITIES[sev] ?? String(sev);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

function rate(name: string, labels: Record<string, string>, mbps: number | undefined): Sample[] {
  return mbps === undefined ? [] : [{ name, labels, value: mbps * MBPS_TO_BYTES_PER_SECOND }];
}

export function serviceSamples(s: NetworkService): Sample[] {
  const id = { network_service_id: s.id };
  const samples: Sample[] = [
    {
      name: 'ixapi_network_service_info',
      labels: {
        ...id,
        service_type: s.type,
        product_offering: s.productOffering,
        managing_account: s.managingAccount,
        consuming_account: s.consumingAccount,
        external_ref: s.externalRef,
      },
      value: 1,
    },
    ...stateSamples('ixapi_network_service_state', id, s.state),
    ...rate('ixapi_network_service_capacity_bytes_per_second', id, s.capacityMbps),
  ];
  for (const [severity, count] of severityCounts(s.statusSeverities)) {
    samples.push({ name: 'ixapi_network_service_status_messages', labels: { ...id, severity }, value: count });
  }
  if (s.decommissionAt !== undefined) {
    samples.push({ name: 'ixapi_network_service_decommission_timestamp_seconds', labels: id, value: s.decommissionAt / 1000 });
  }
  return samples;
}

export function configSamples(c: NetworkServiceConfig): Sample[] {
  return stateSamples(
    'ixapi_network_service_config_state',
    {
      network_service_config_id: c.id,
      network_service_id: c.networkService,
      connection_id: c.connection,
      handover: c.handover === undefined ? '' : String(c.handover),
    },
    c.state,
  );
}

export function connectionSamples(c: Connection): Sample[] {
  const id = { connection_id: c.id };
  return [
    { name: 'ixapi_connection_info', labels: { ...id, name: c.name, pop: c.pop, mode: c.mode }, value: 1 },
    ...stateSamples('ixapi_connection_state', id, c.state),
    ...rate('ixapi_connection_speed_bytes_per_second', id, c.speedMbps),
    ...rate('ixapi_connection_capacity_allocated_bytes_per_second', id, c.capacityAllocatedMbps),
    ...rate('ixapi_connection_capacity_allocation_limit_bytes_per_second', id, c.capacityAllocationLimitMbps),
  ];
}
