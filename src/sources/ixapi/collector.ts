import type { AuthProvider } from '../../core/auth/provider.js';
import type { Gauge, LabelSet } from '../../core/family.js';
import { CycleResult, type Sample } from '../../core/series.js';
import type { Collector, CollectorDeps, CycleContext } from '../../core/source.js';
import { toBytesPerSecond } from '../../core/units.js';
import { IxapiClient } from './client.js';
import type { IxapiTarget } from './config.js';
import * as f from './families.js';
import { SEVERITIES, type Connection, type NetworkService, type NetworkServiceConfig } from './model.js';

/**
 * Each list request is its own part (one per service type when filtered), so
 * a 404 or 500 on one list keeps that list's previous series and leaves the
 * others current. A list holds every object of its kind: an object missing
 * from a successful answer is gone upstream, and so are its series.
 */
export class IxapiCollector implements Collector {
  private readonly client: IxapiClient;
  private readonly types: Array<string | undefined>;
  private readonly externalRef: boolean;

  constructor(target: IxapiTarget, deps: CollectorDeps<AuthProvider>) {
    this.client = new IxapiClient(deps.http, deps.auth, target.pageLimit, deps.log);
    this.types = target.networkServiceTypes.length ? target.networkServiceTypes : [undefined];
    this.externalRef = target.labels.externalRef;
  }

  async collect(ctx: CycleContext): Promise<CycleResult> {
    const { client } = this;
    const result = new CycleResult(ctx);
    const services = (s: NetworkService) => serviceSamples(s, this.externalRef);
    await Promise.all([
      ...this.types.map((type) =>
        result.part(partKey('network-services', type), async () => (await client.networkServices(type, ctx, this.externalRef)).flatMap(services)),
      ),
      ...this.types.map((type) =>
        result.part(partKey('network-service-configs', type), async () => (await client.networkServiceConfigs(type, ctx)).flatMap(configSamples)),
      ),
      result.part('connections', async () => (await client.connections(ctx)).flatMap(connectionSamples)),
    ]);
    return result;
  }
}

function partKey(list: string, type: string | undefined): string {
  return type === undefined ? list : `${list}/${encodeURIComponent(type)}`;
}

/**
 * One series per severity, every severity present (0 when none), so that
 * alerts and dashboards need no `or vector(0)`; a severity outside syslog's
 * eight is exposed as its number.
 */
function statusMessages<L extends string>(family: Gauge<L | 'severity'>, labels: LabelSet<L>, severities: number[]): Sample[] {
  const counts = new Map<string, number>(SEVERITIES.map((s) => [s, 0]));
  for (const sev of severities) {
    const name = SEVERITIES[sev] ?? String(sev);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].map(([severity, count]) => family.sample({ ...labels, severity }, count));
}

/** A rate in the upstream's Mbit/s as bytes per second; no series where the upstream gives none. */
function rate<L extends string>(family: Gauge<L>, labels: LabelSet<L>, mbps: number | undefined): Sample[] {
  return mbps === undefined ? [] : [family.sample(labels, toBytesPerSecond(mbps, 'Mbps'))];
}

/** A date (Unix ms) in seconds; no series when none is planned. */
function decommission<L extends string>(family: Gauge<L>, labels: LabelSet<L>, at: number | undefined): Sample[] {
  return at === undefined ? [] : [family.sample(labels, at / 1000)];
}

function serviceSamples(s: NetworkService, withExternalRef: boolean): Sample[] {
  const id = { network_service_id: s.id };
  const info = { ...id, service_type: s.type, product_offering: s.productOffering, managing_account: s.managingAccount, consuming_account: s.consumingAccount };
  return [
    withExternalRef ? f.networkServiceInfoWithExternalRef.sample({ ...info, external_ref: s.externalRef ?? '' }, 1) : f.networkServiceInfo.sample(info, 1),
    ...f.networkServiceState.samples(id, s.state),
    ...rate(f.networkServiceCapacity, id, s.capacityMbps),
    ...statusMessages(f.networkServiceStatusMessages, id, s.statusSeverities),
    ...decommission(f.networkServiceDecommission, id, s.decommissionAt),
  ];
}

function configSamples(c: NetworkServiceConfig): Sample[] {
  const id = { network_service_config_id: c.id, network_service_id: c.networkService };
  return [
    ...f.networkServiceConfigState.samples({ ...id, connection_id: c.connection, handover: c.handover === undefined ? '' : String(c.handover) }, c.state),
    ...statusMessages(f.networkServiceConfigStatusMessages, id, c.statusSeverities),
    ...decommission(f.networkServiceConfigDecommission, id, c.decommissionAt),
  ];
}

function connectionSamples(c: Connection): Sample[] {
  const id = { connection_id: c.id };
  return [
    f.connectionInfo.sample({ ...id, name: c.name, pop: c.pop, mode: c.mode }, 1),
    ...f.connectionState.samples(id, c.state),
    ...statusMessages(f.connectionStatusMessages, id, c.statusSeverities),
    ...decommission(f.connectionDecommission, id, c.decommissionAt),
    ...rate(f.connectionSpeed, id, c.speedMbps),
    ...rate(f.connectionCapacityAllocated, id, c.capacityAllocatedMbps),
    ...rate(f.connectionCapacityAllocationLimit, id, c.capacityAllocationLimitMbps),
  ];
}
