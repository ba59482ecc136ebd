import { createRng, rngUuid } from '../rng.js';
import {
  GiB,
  RESOURCES,
  UNLIMITED,
  type AstakosShape,
  type Holding,
  type QuotaEntry,
  type SimCommission,
  type SimProject,
  type SimUser,
  type SourceQuotas,
  type WorldOptions,
} from './model.js';

/**
 * The quota state of a simulated Astakos, generated from a seed, and what its
 * quota calls answer. Quantities are BigInt so that the unlimited 2^63-1 stays
 * exact. Holdings, project counters and their relation follow Synnefo's
 * quotaholder (snf-astakos-app/astakos/im/quotas.py): a member's holding of a
 * resource in a project is its own counter (`limit`, `usage`, `pending`), and
 * the project keeps a counter of its own that every commission of a member
 * moves too, so the project's usage is its members' together, including
 * members no longer visible.
 */
export class AstakosWorld {
  readonly shape: AstakosShape;
  readonly users: SimUser[] = [];
  /** Shared projects; each user's own project is `ownProject(user)`. */
  readonly projects: SimProject[] = [];
  readonly components = [...new Set(RESOURCES.map((r) => r.component))];
  readonly commissions = new Map<number, SimCommission>();
  /** Resources as `/resources` lists them (tests may add or remove some). */
  readonly resources = new Map(RESOURCES.map((r) => [r.name, { ...r }]));
  private readonly holdings = new Map<string, Holding>();
  private readonly deleted = new Set<number>();
  private readonly rng: () => number;
  private nextSerial = 100;

  constructor(opts: WorldOptions) {
    this.shape = opts.shape;
    this.rng = createRng(opts.seed);
    this.build(Math.max(2, opts.users), opts.projects);
  }

  /** Source key of a user's own project: the user's uuid (released) or `system` (seed). */
  ownProject(user: number): string {
    return this.shape === 'released' ? this.users[user]!.uuid : 'system';
  }

  /** Sources a user draws quota from. */
  sourcesOf(user: number): string[] {
    return [this.ownProject(user), ...this.projects.filter((p) => p.members.includes(user)).map((p) => p.id)];
  }

  isPresent(user: number): boolean {
    return !this.deleted.has(user);
  }

  holding(user: number, source: string, resource: string): Holding {
    const h = this.holdings.get(holdingKey(user, source, resource));
    if (!h) throw new Error(`user ${user} has no ${resource} in ${source}`);
    return h;
  }

  setHolding(user: number, source: string, resource: string, values: Partial<Holding>): void {
    Object.assign(this.holding(user, source, resource), values);
  }

  /**
   * A user removed from Astakos: gone from every answer, together with their
   * own project. What they used in shared projects stays in those projects'
   * counters, as the quotaholder never rewrites a project's usage.
   */
  deleteUser(user: number): void {
    if (this.deleted.has(user)) return;
    for (const project of this.projects) {
      if (!project.members.includes(user)) continue;
      for (const r of RESOURCES) {
        const h = this.holding(user, project.id, r.name);
        const kept = project.retained.get(r.name) ?? { usage: 0n, pending: 0n };
        project.retained.set(r.name, { usage: kept.usage + h.usage, pending: kept.pending + h.pending });
      }
    }
    this.deleted.add(user);
  }

  /**
   * A shared project (a new uuid, or the next `project:<n>`): `limits` default
   * to the resources' base, each member gets the base as member limit and no
   * usage; `retained` is usage left by members no longer visible.
   */
  addProject(opts: { members?: number[]; limits?: Record<string, bigint>; retained?: Record<string, bigint> } = {}): SimProject {
    const members = opts.members ?? [];
    const project: SimProject = {
      id: this.shape === 'released' ? rngUuid(this.rng) : `project:${this.projects.length + 1}`,
      limits: new Map(RESOURCES.map((r) => [r.name, opts.limits?.[r.name] ?? r.base])),
      members,
      retained: new Map(Object.entries(opts.retained ?? {}).map(([resource, usage]) => [resource, { usage, pending: 0n }])),
    };
    this.projects.push(project);
    for (const m of members) for (const r of RESOURCES) this.holdings.set(holdingKey(m, project.id, r.name), { limit: r.base, usage: 0n, pending: 0n });
    return project;
  }

  /** A provisional allocation: counted in usage and pending until resolved. */
  issueCommission(c: Omit<SimCommission, 'serial' | 'component'>): number {
    const h = this.holding(c.user, c.source, c.resource);
    const serial = this.nextSerial++;
    h.usage += c.quantity;
    h.pending += c.quantity;
    this.commissions.set(serial, { ...c, serial, component: this.resources.get(c.resource)?.component ?? c.resource.split('.')[0]! });
    return serial;
  }

  /** Accepting keeps the usage; rejecting gives it back. Either way it is no longer pending. */
  resolveCommission(serial: number, accept: boolean): void {
    const c = this.commissions.get(serial);
    if (!c) throw new Error(`no commission ${serial}`);
    const h = this.holding(c.user, c.source, c.resource);
    h.pending -= c.quantity;
    if (!accept) h.usage -= c.quantity;
    this.commissions.delete(serial);
  }

  /** `/quotas` of a user, or the part of it a component sees; `sources` restricts it to those projects. */
  userQuotas(user: number, component?: string, sources?: readonly string[]): SourceQuotas {
    return this.quotasOf(user, this.projectCounters(), component, sources);
  }

  /** `/service_quotas`: every present user (or those of `uuids`) with the component's resources, keyed by uuid. */
  serviceQuotas(component: string, uuids?: readonly string[], sources?: readonly string[]): Record<string, SourceQuotas> {
    const counters = this.projectCounters();
    const out: Record<string, SourceQuotas> = {};
    this.users.forEach((user, u) => {
      if (this.deleted.has(u) || (uuids && !uuids.includes(user.uuid))) return;
      const quotas = this.quotasOf(u, counters, component, sources);
      if (Object.keys(quotas).length) out[user.uuid] = quotas;
    });
    return out;
  }

  /**
   * `/service_project_quotas`: every project's own counter of the component's
   * resources, `{<project>: {<resource>: {project_limit, project_usage,
   * project_pending}}}`, users' own projects included, whether or not any
   * member is visible.
   */
  projectQuotas(component: string, ids?: readonly string[]): Record<string, Record<string, QuotaEntry>> {
    const counters = this.projectCounters();
    const out: Record<string, Record<string, QuotaEntry>> = {};
    const own = this.users.flatMap((_, u) => (this.deleted.has(u) ? [] : [{ id: this.ownProject(u), user: u }]));
    for (const { id, user } of [...own, ...this.projects.map((p) => ({ id: p.id, user: undefined }))]) {
      if (ids && !ids.includes(id)) continue;
      const resources: Record<string, QuotaEntry> = {};
      for (const r of RESOURCES) {
        if (r.component !== component) continue;
        const p = user === undefined ? counters.get(counterKey(id, r.name))! : this.holding(user, id, r.name);
        resources[r.name] = { project_limit: p.limit, project_usage: p.usage, project_pending: p.pending };
      }
      out[id] = resources;
    }
    return out;
  }

  private quotasOf(user: number, counters: Map<string, Holding>, component?: string, sources?: readonly string[]): SourceQuotas {
    const out: SourceQuotas = {};
    for (const source of this.sourcesOf(user)) {
      if (sources && !sources.includes(source)) continue;
      const resources: Record<string, QuotaEntry> = {};
      for (const r of RESOURCES) {
        if (component && r.component !== component) continue;
        const h = this.holding(user, source, r.name);
        const entry: QuotaEntry = { usage: h.usage, limit: h.limit, pending: h.pending };
        if (this.shape === 'released') {
          // A user's own project has one member: its counter moves with the member's holding.
          const p = counters.get(counterKey(source, r.name)) ?? h;
          Object.assign(entry, { project_limit: p.limit, project_usage: p.usage, project_pending: p.pending });
        }
        resources[r.name] = entry;
      }
      out[source] = resources;
    }
    return out;
  }

  /** Each shared project's counters: its limits, and the usage of its present members plus what departed ones left. */
  private projectCounters(): Map<string, Holding> {
    const counters = new Map<string, Holding>();
    for (const project of this.projects) {
      for (const r of RESOURCES) {
        const total = { ...(project.retained.get(r.name) ?? { usage: 0n, pending: 0n }) };
        for (const m of project.members) {
          if (this.deleted.has(m)) continue;
          const h = this.holding(m, project.id, r.name);
          total.usage += h.usage;
          total.pending += h.pending;
        }
        counters.set(counterKey(project.id, r.name), { limit: project.limits.get(r.name)!, ...total });
      }
    }
    return counters;
  }

  private build(userCount: number, projectCount: number): void {
    const rng = this.rng;
    for (let i = 0; i < userCount; i++) this.users.push({ uuid: rngUuid(rng), name: `user${i}@example.org` });
    for (let p = 0; p < projectCount; p++) {
      // About three shared projects per user, however many there are.
      const members = this.users.map((_, i) => i).filter(() => rng() < Math.min(0.6, 3 / projectCount));
      if (!members.length) members.push(p % userCount);
      const limits = new Map(RESOURCES.map((r) => [r.name, rng() < 0.2 ? UNLIMITED : r.base * BigInt(2 + Math.floor(rng() * 4)) * BigInt(members.length)]));
      this.projects.push({ id: this.shape === 'released' ? rngUuid(rng) : `project:${p + 1}`, limits, members, retained: new Map() });
    }
    this.users.forEach((_, u) => {
      for (const source of this.sourcesOf(u)) {
        for (const r of RESOURCES) {
          const unlimited = r.name === 'astakos.pending_app' ? rng() < 0.5 : rng() < 0.1;
          const limit = unlimited ? UNLIMITED : r.base * BigInt(1 + Math.floor(rng() * 3));
          const usage = unlimited ? BigInt(Math.floor(rng() * 5)) : (limit * BigInt(Math.floor(rng() * 90))) / 100n;
          this.holdings.set(holdingKey(u, source, r.name), { limit, usage, pending: 0n });
        }
      }
    });
    // Always-present edge cases: user 0 exactly at one limit and over another, user 1 unlimited, and a
    // finite project limit too large for a double to hold exactly.
    const own0 = this.ownProject(0);
    this.setHolding(0, own0, 'cyclades.vm', { limit: 2n, usage: 2n });
    this.setHolding(0, own0, 'pithos.diskspace', { limit: 10n * GiB, usage: 12n * GiB });
    this.setHolding(1, this.ownProject(1), 'cyclades.ram', { limit: UNLIMITED });
    this.projects[0]?.limits.set('pithos.diskspace', 2n ** 60n + 1n);
    this.issueCommission({ user: 0, source: own0, resource: 'cyclades.cpu', quantity: 1n });
    this.issueCommission({ user: 1, source: this.ownProject(1), resource: 'cyclades.disk', quantity: 10n * GiB });
  }
}

function holdingKey(user: number, source: string, resource: string): string {
  return `${user}\u0000${source}\u0000${resource}`;
}

function counterKey(project: string, resource: string): string {
  return `${project}\u0000${resource}`;
}
