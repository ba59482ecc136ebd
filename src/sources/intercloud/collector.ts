import type { AuthProvider } from '../../core/auth/provider.js';
import { HttpError } from '../../core/http.js';
import { CycleResult, type Sample } from '../../core/series.js';
import type { Collector, CollectorDeps, CycleContext } from '../../core/source.js';
import { toBytesPerSecond } from '../../core/units.js';
import { IntercloudClient, type Group } from './client.js';
import type { Point } from './run-answer.js';
import type { IntercloudTarget } from './config.js';
import { Discovery, type CapacitiesReading, type GroupEntry, type OrgNode } from './discovery.js';
import * as f from './families.js';
import { forEachLimit } from './pool.js';

/** The /run queries of one group: its series go out as one part once every region has answered. */
interface GroupRun {
  org: OrgNode;
  key: string;
  group: Group;
  /** Samples per region, in the order of the group's regions; none for a region without a point. */
  values: Array<Sample[] | undefined>;
  pending: number;
  error?: unknown;
}

interface RegionQuery {
  run: GroupRun;
  region: string;
  index: number;
}

/**
 * One cycle: the (cached) discovery, then one /run query per group and region
 * of this shard's organisations, all over the same window so that the points
 * line up across groups.
 */
export class IntercloudCollector implements Collector {
  private readonly client: IntercloudClient;
  private readonly discovery: Discovery;
  private readonly parallel: number;

  constructor(
    private readonly target: IntercloudTarget,
    deps: CollectorDeps<AuthProvider>,
  ) {
    this.parallel = Math.max(4, target.concurrency * 2);
    this.client = new IntercloudClient(deps.http, deps.auth);
    this.discovery = new Discovery({
      client: this.client,
      log: deps.log,
      intervalMs: target.discoveryInterval,
      maxDepth: target.maxDepth,
      includeOwnOrganisation: target.includeOwnOrganisation,
      shard: target.shard,
      parallel: this.parallel,
    });
  }

  async collect(ctx: CycleContext): Promise<CycleResult> {
    const result = new CycleResult(ctx);
    const { tree, groups, error } = await this.discovery.current(ctx);
    if (error) result.fail('discovery', error);
    // Whatever the shard of the reseller, the series of its subtree in this shard are kept.
    for (const [id, err] of tree.unlisted) result.fail(`${tree.orgs.get(id)!.key}/o`, err);
    const queries: RegionQuery[] = [];
    for (const org of this.discovery.mine(tree)) {
      result.ok(org.key, [
        f.organisationInfo.sample({ organisation_id: org.id, organisation: org.name, parent_id: org.parentId, reseller: String(org.reseller) }, 1),
      ]);
      this.capacities(result, org, tree.capacities.get(org.id));
      if (org.scope === undefined && !this.target.includeOwnOrganisation) continue;
      const listing = groups.get(org.id);
      if (!listing || 'error' in listing) {
        result.fail(`${org.key}/g`, listing?.error ?? new Error(`groups of organisation ${org.id} not listed`));
        continue;
      }
      this.allocated(result, org, listing.groups);
      for (const { group, regions, regionsError } of listing.groups) {
        // One part per group: a failed query keeps the group's previous series, a deleted group drops them.
        const key = `${org.key}/g/${group.id}`;
        if (regionsError) {
          result.fail(key, regionsError);
          continue;
        }
        const list = regions ?? [];
        if (list.length === 0) {
          result.ok(key, groupInfo(org, group));
          continue;
        }
        const run: GroupRun = { org, key, group, values: [], pending: list.length };
        list.forEach((region, index) => queries.push({ run, region, index }));
      }
    }
    const window = { start: rfc3339(ctx.startedAt - this.target.window), end: rfc3339(ctx.startedAt) };
    await forEachLimit(queries, this.parallel, async ({ run, region, index }) => {
      try {
        const point = await this.client.latest(run.group.irn, region, window, run.org.scope, ctx);
        if (point) {
          const labels = { organisation_id: run.org.id, organisation: run.org.name, group_id: run.group.id, group: run.group.name, region };
          run.values[index] = samples(labels, point);
        }
      } catch (err) {
        if (err instanceof HttpError && err.status === 404) this.discovery.forget(run.org.id);
        run.error ??= err;
      }
      run.pending -= 1;
      if (run.pending > 0) return;
      if (run.error !== undefined) result.fail(run.key, run.error);
      else {
        const all = groupInfo(run.org, run.group);
        for (const values of run.values) if (values) all.push(...values);
        result.ok(run.key, all);
      }
      // Every query of the cycle still points at its group: let the samples go
      // now they are text, and empty the array rather than drop it, since a
      // minor GC keeps alive whatever an old array points at, dead or not.
      run.values.length = 0;
    });
    return result;
  }

  /**
   * An organisation's capacities: a part of their own, so that an error in
   * them keeps only them, and below the organisation's key, so that they go
   * with it.
   */
  private capacities(result: CycleResult, org: OrgNode, reading: CapacitiesReading | undefined): void {
    const key = `${org.key}/capacity`;
    if (reading && 'error' in reading) {
      result.fail(key, ofOrganisation(org, reading.error));
    } else if (reading?.value.length) {
      const unit = this.target.capacityUnit;
      result.ok(
        key,
        reading.value.map(({ region, capacity }) => f.organisationCapacity.sample({ organisation_id: org.id, region }, toBytesPerSecond(capacity, unit))),
      );
    }
  }

  /**
   * The allocated capacities of an organisation's groups: one part beside the
   * groups', so that a malformed one keeps the previous allocated capacities
   * while the used capacities go on, and under the groups' key, so that a
   * failed listing keeps it too.
   */
  private allocated(result: CycleResult, org: OrgNode, entries: readonly GroupEntry[]): void {
    const samples: Sample[] = [];
    for (const { group } of entries) {
      const allocated = group.allocatedCapacity;
      if ('error' in allocated) {
        result.fail(`${org.key}/g/allocated`, ofOrganisation(org, allocated.error));
        return;
      }
      if (allocated.value === undefined) continue;
      samples.push(f.allocatedCapacity.sample({ organisation_id: org.id, group_id: group.id }, toBytesPerSecond(allocated.value, this.target.capacityUnit)));
    }
    if (samples.length) result.ok(`${org.key}/g/allocated`, samples);
  }
}

function ofOrganisation(org: OrgNode, err: Error): Error {
  return new Error(`organisation ${org.id}: ${err.message}`, { cause: err });
}

function groupInfo(org: OrgNode, group: Group): Sample[] {
  const ids = { organisation_id: org.id, group_id: group.id };
  return [
    f.groupInfo.sample({ organisation_id: org.id, group_id: group.id, group: group.name, group_irn: group.irn }, 1),
    f.groupConnectors.sample(ids, group.connectors),
    f.groupLinks.sample(ids, group.links),
    f.groupFlowConnectors.sample(ids, group.flowConnectors),
    f.groupFlowLinks.sample(ids, group.flowLinks),
  ];
}

function samples(labels: f.UsedLabels, point: Point): Sample[] {
  return [f.usedCapacity.sample(labels, toBytesPerSecond(point.value, 'bps')), f.usedCapacityTimestamp.sample(labels, point.time / 1000)];
}

/** Whole seconds in UTC: the same window string for every group of a cycle. */
function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
