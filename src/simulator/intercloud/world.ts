import { pick, rngUuid } from '../rng.js';
import { groupName, organisationName } from './names.js';
import { allocatedCapacityOf, capacitiesOf } from './capacities.js';
import { hash, unit } from './hash.js';
import { REGIONS, withDefaults, type SimGroup, type SimMetric, type SimOrganisation, type WorldOptions } from './model.js';
import { generatedPoints, regionShare, type FixedPoint } from './points.js';

/**
 * The organisations, groups and data points the simulated portal serves, the
 * same for the same seed, and what tests change in them. Capacities, flow
 * counts and steady values are drawn from hashes of ids, not from the rng, so
 * that adding them left every seed's tree as it was.
 */
export class IntercloudWorld {
  readonly root: SimOrganisation;
  readonly seed: number;
  nullRate: number;
  emptyRate: number;
  private readonly o: Required<WorldOptions>;
  private readonly orgs = new Map<string, SimOrganisation>();
  private readonly groupsByIrn = new Map<string, SimGroup>();
  private readonly points = new Map<string, FixedPoint[]>();
  private readonly failing = new Map<string, number>();
  private nameCounter = 0;

  constructor(
    private readonly rng: () => number,
    opts: WorldOptions = {},
  ) {
    this.o = withDefaults(opts);
    this.seed = this.o.seed;
    this.nullRate = this.o.nullRate;
    this.emptyRate = this.o.emptyRate;
    this.root = this.createOrganisation(undefined, rngUuid(this.rng), 'Parent orga', this.o.groupsPerOrg);
    this.generateTree();
  }

  organisation(id: string): SimOrganisation | undefined {
    return this.orgs.get(id);
  }

  /** The own organisation and every organisation below it, breadth first. */
  organisations(): SimOrganisation[] {
    const out: SimOrganisation[] = [];
    const seen = new Set<string>();
    const queue = [this.root];
    while (queue.length) {
      const org = queue.shift()!;
      if (seen.has(org.id)) continue;
      seen.add(org.id);
      out.push(org);
      for (const c of org.children) queue.push(this.orgs.get(c)!);
    }
    return out;
  }

  depthOf(id: string): number {
    let depth = 0;
    for (let org = this.orgs.get(id); org && org !== this.root; org = this.orgs.get(org.parentId)) depth += 1;
    return depth;
  }

  groups(): SimGroup[] {
    return this.organisations().flatMap((o) => o.groups);
  }

  group(id: string): SimGroup | undefined {
    return this.groups().find((g) => g.id === id);
  }

  groupByIrn(irn: string): SimGroup | undefined {
    return this.groupsByIrn.get(irn);
  }

  /** The status every request about the organisation answers while it fails. */
  failureOf(orgId: string): number | undefined {
    return this.failing.get(orgId);
  }

  /** A new child organisation (a reseller if `reseller`), with `groups` groups. */
  addOrganisation(parentId: string, name: string, opts: { reseller?: boolean; groups?: number } = {}): SimOrganisation {
    const parent = this.orgs.get(parentId);
    if (!parent) throw new Error(`no organisation ${parentId}`);
    const org = this.createOrganisation(parent, rngUuid(this.rng), name, opts.groups ?? 1);
    org.reseller = opts.reseller ?? false;
    return org;
  }

  /** Lists `childId` among `parentId`'s children once more, without moving it: a loop when it is an ancestor. */
  linkChild(parentId: string, childId: string): void {
    const parent = this.orgs.get(parentId)!;
    parent.children.push(childId);
    parent.reseller = true;
  }

  renameOrganisation(id: string, name: string): void {
    this.orgs.get(id)!.name = name;
  }

  addGroup(orgId: string, name?: string, regions: readonly string[] = REGIONS): SimGroup {
    const org = this.orgs.get(orgId)!;
    const group = this.createGroup(org, name ?? groupName(this.rng, org.groups.length));
    group.metrics = regions.map((r) => ({ name: r, type: 'timeserie' }));
    return group;
  }

  deleteGroup(groupId: string): void {
    for (const org of this.orgs.values()) {
      const at = org.groups.findIndex((g) => g.id === groupId);
      if (at < 0) continue;
      this.groupsByIrn.delete(org.groups[at]!.irn);
      org.groups.splice(at, 1);
      return;
    }
    throw new Error(`no group ${groupId}`);
  }

  /** Replaces a group's metric list (names and types as GET /metrics/query/irn/<irn> answers them). */
  setMetrics(groupId: string, metrics: Array<string | SimMetric>): void {
    this.group(groupId)!.metrics = metrics.map((m) => (typeof m === 'string' ? { name: m, type: 'timeserie' } : m));
  }

  /** Fixed points for one group and region instead of the generated ones; [] for an empty series. */
  setPoints(groupId: string, region: string, points: FixedPoint[]): void {
    this.points.set(`${this.group(groupId)!.irn}|${region}`, points);
  }

  /** Every request about this organisation (scope or path) answers `status`; undefined heals it. */
  failOrganisation(id: string, status: number | undefined): void {
    if (status === undefined) this.failing.delete(id);
    else this.failing.set(id, status);
  }

  /**
   * The points /run answers for a group and region over [start, end] (ms):
   * 5-minute aligned, in bit/s, with occasional nulls; none for an empty series.
   */
  series(group: SimGroup, region: string, start: number, end: number): FixedPoint[] {
    const fixed = this.points.get(`${group.irn}|${region}`);
    if (fixed) return fixed.filter(([t]) => Date.parse(t) >= start && Date.parse(t) <= end);
    return generatedPoints(group, region, start, end, { seed: this.seed, nullRate: this.nullRate, emptyRate: this.emptyRate, steady: this.o.steady });
  }

  private generateTree(): void {
    const { organisations: count, depth, groupsPerOrg } = this.o;
    const nodes: Array<{ org: SimOrganisation; depth: number }> = [{ org: this.root, depth: 0 }];
    for (let i = 0; i < count; i++) {
      // The first ones form a chain so that the configured depth is always reached.
      const parent =
        i < depth
          ? nodes[i]!
          : this.rng() < 0.45
            ? nodes[0]!
            : pick(
                this.rng,
                nodes.filter((n) => n.depth < depth),
              );
      const org = this.createOrganisation(parent.org, rngUuid(this.rng), organisationName(this.rng, ++this.nameCounter, this.o.oddNames), groupsPerOrg);
      nodes.push({ org, depth: parent.depth + 1 });
    }
    // A few resellers have not sold anything yet.
    for (const { org } of nodes) if (org.children.length === 0 && this.rng() < 0.05) org.reseller = true;
  }

  private createOrganisation(parent: SimOrganisation | undefined, id: string, name: string, groupsPerOrg: number | [number, number]): SimOrganisation {
    const org: SimOrganisation = { id, name, parentId: parent?.id ?? rngUuid(this.rng), reseller: false, children: [], groups: [], capacities: null };
    this.orgs.set(id, org);
    if (parent) {
      parent.children.push(id);
      parent.reseller = true;
    }
    const n = this.draw(groupsPerOrg);
    for (let g = 0; g < n; g++) this.createGroup(org, groupName(this.rng, g));
    org.capacities = capacitiesOf(org, this.seed, this.o.capacitiesShare);
    return org;
  }

  private createGroup(org: SimOrganisation, name: string): SimGroup {
    const regions = [...REGIONS].sort(() => this.rng() - 0.5).slice(0, this.draw(this.o.regionsPerGroup));
    const id = rngUuid(this.rng);
    const group: SimGroup = {
      id,
      name,
      irn: `irn:group:${org.id.slice(-12)}::${Math.floor(this.rng() * 36 ** 7)
        .toString(36)
        .padStart(7, '0')}`,
      organisationId: org.id,
      countConnectors: Math.floor(this.rng() * 6),
      countLinks: Math.floor(this.rng() * 4),
      countFlowConnectors: Math.floor(unit(hash(`${id}|flow-connectors`)) * 3),
      countFlowLinks: Math.floor(unit(hash(`${id}|flow-links`)) * 2),
      allocatedCapacity: null,
      metrics: regions.map((r) => ({ name: r, type: 'timeserie' })),
      level: 10 ** (5 + this.rng() * 4),
    };
    const peak = group.metrics.reduce((sum, m) => sum + group.level * regionShare(group, m.name), 0);
    group.allocatedCapacity = allocatedCapacityOf(group.id, peak, this.seed, this.o.allocatedShare);
    org.groups.push(group);
    this.groupsByIrn.set(group.irn, group);
    return group;
  }

  private draw(spec: number | [number, number]): number {
    if (typeof spec === 'number') return spec;
    return spec[0] + Math.floor(this.rng() * (spec[1] - spec[0] + 1));
  }
}
