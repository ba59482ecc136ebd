import { createRng, pick, rngUuid } from '../rng.js';
import type { ApplicationCredential, KeystoneProject, KeystoneSimulator, KeystoneUser } from './keystone.js';
import { FLAVORS, type ArchivePolicy, type Instance, type NewInstance } from './model.js';

export interface WorldOptions {
  seed: number;
  now: () => number;
  keystone: KeystoneSimulator;
  projects: number;
  /** Instances per project: [min, max]. */
  instancesPerProject: [number, number];
  /** Share of instances deleted within the last two hours. */
  deletedRate: number;
  policy: ArchivePolicy;
}

const HOUR = 3_600_000;
/** Audit period: under the default look-back of 1h even when an audit comes a minute late. */
const AUDIT_MS = 55 * 60_000;

/** The k-th periodic audit of an instance: at its own phase, up to a minute late (a fixed delay per audit). */
function auditAt(instance: Instance, k: number): number {
  let h = k * 2654435761;
  for (let i = 0; i < instance.id.length; i++) h = Math.imul(h ^ instance.id.charCodeAt(i), 16777619);
  return instance.startedAt + k * AUDIT_MS + ((h >>> 0) % 60_000);
}

/**
 * The cloud Gnocchi indexes: projects and users in Keystone, and `instance`
 * resources whose `vcpus` is an event-driven gauge: a point at creation, on
 * resize and at deletion, and one per periodic audit (55 min) at the
 * instance's own phase, so points are sparse and unaligned. Deleted
 * instances keep their resource with `ended_at` set.
 */
export class GnocchiWorld {
  readonly keystone: KeystoneSimulator;
  readonly projects: KeystoneProject[] = [];
  readonly instances: Instance[] = [];
  /** Where Ceilometer's credentials live: the creator of every resource it makes. */
  readonly serviceProject: KeystoneProject;
  readonly ceilometerUserId: string;
  /** Admin user (role admin on project admin) and a member of projects[0]. */
  readonly admin: KeystoneUser;
  readonly member: KeystoneUser;
  readonly adminCredential: ApplicationCredential;
  readonly memberCredential: ApplicationCredential;
  /** The archive policy of new metrics. */
  policy: ArchivePolicy;
  protected readonly now: () => number;
  private readonly rng: () => number;
  /** Ids that are no part of the seeded world's own sequence, so that adding them changed no other id. */
  private readonly ids: () => number;
  /** Index of each instance's next audit, for the audits that fall due while the simulator runs. */
  private readonly nextAudit = new Map<Instance, number>();

  constructor(opts: WorldOptions) {
    this.rng = createRng(opts.seed);
    this.ids = createRng(opts.seed ^ 0x69647321);
    this.now = opts.now;
    this.keystone = opts.keystone;
    this.policy = opts.policy;
    const serviceProjectId = this.hexId();
    this.ceilometerUserId = this.hexId();
    const adminProject = this.keystone.addProject('admin');
    const [min, max] = opts.instancesPerProject;
    for (let p = 0; p < opts.projects; p++) {
      const project = this.keystone.addProject(`project-${String(p)}`);
      this.projects.push(project);
      const count = min + Math.floor(this.rng() * (max - min + 1));
      for (let i = 0; i < count; i++) this.generateInstance(project.id, opts.deletedRate, serviceProjectId);
    }
    this.serviceProject = this.keystone.addProject('service', serviceProjectId);
    const memberProject = this.projects.at(0) ?? adminProject;
    this.admin = this.keystone.addUser('exporter', { [adminProject.id]: ['admin'] }, `pw-${String(opts.seed)}-exporter`);
    this.member = this.keystone.addUser('viewer', { [memberProject.id]: ['member'] }, `pw-${String(opts.seed)}-viewer`);
    this.adminCredential = this.keystone.addApplicationCredential(this.admin, adminProject.id);
    this.memberCredential = this.keystone.addApplicationCredential(this.member, memberProject.id);
  }

  /** A project of its own, with no instance yet. */
  addProject(name: string): KeystoneProject {
    const project = this.keystone.addProject(name);
    this.projects.push(project);
    return project;
  }

  /** A new instance that reports its vcpus now; it has no audit point yet. */
  createInstance(projectId: string, flavorName = 'm1.medium', opts: Omit<NewInstance, 'flavorName'> = {}): Instance {
    const flavor = FLAVORS.find((f) => f.name === flavorName) ?? FLAVORS[2]!;
    const at = this.now();
    const id = rngUuid(this.rng);
    const policy = opts.policy === undefined ? this.policy : opts.policy;
    const instance: Instance = {
      id,
      projectId,
      createdByProjectId: opts.createdByProjectId ?? this.serviceProject.id,
      flavorName: flavor.name,
      displayName: opts.displayName ?? `vm-${id.slice(0, 8)}`,
      vcpus: flavor.vcpus,
      startedAt: at,
      endedAt: null,
      revisedAt: at,
      points: policy === null ? [] : [{ at, value: flavor.vcpus }],
      metric: policy === null ? null : { id: rngUuid(this.ids), policy },
    };
    this.instances.push(instance);
    if (instance.metric) this.nextAudit.set(instance, 1);
    return instance;
  }

  /** Deletes an instance now: a last point, then `ended_at`. */
  deleteInstance(id: string): void {
    const instance = this.instance(id);
    const at = this.now();
    if (instance.metric) instance.points.push({ at, value: instance.vcpus });
    instance.endedAt = at;
    instance.revisedAt = at;
  }

  /** Resizes an instance now (to a flavor's size, or any number of vCPUs). */
  resizeInstance(id: string, vcpus: number, flavorName?: string): void {
    const instance = this.instance(id);
    const at = this.now();
    instance.vcpus = vcpus;
    if (flavorName !== undefined) instance.flavorName = flavorName;
    if (instance.metric) instance.points.push({ at, value: vcpus });
    instance.revisedAt = at;
  }

  /** What a correct exporter reports: the vcpus of every live instance that has the metric, per project. */
  liveVcpusByProject(): Map<string, number> {
    const out = new Map<string, number>();
    for (const i of this.instances) if (i.endedAt === null && i.metric) out.set(i.projectId, (out.get(i.projectId) ?? 0) + i.vcpus);
    return out;
  }

  /** Emits the audit points that have fallen due since the world was made, so a long demo stays alive. */
  protected advance(): void {
    const now = this.now();
    for (const [instance, k] of this.nextAudit) {
      if (instance.endedAt !== null) continue;
      let next = k;
      for (; auditAt(instance, next) <= now; next++) instance.points.push({ at: auditAt(instance, next), value: instance.vcpus });
      this.nextAudit.set(instance, next);
    }
  }

  private instance(id: string): Instance {
    const found = this.instances.find((i) => i.id === id);
    if (!found) throw new Error(`no instance ${id}`);
    return found;
  }

  private hexId(): string {
    return rngUuid(this.ids).replace(/-/g, '');
  }

  private generateInstance(projectId: string, deletedRate: number, createdByProjectId: string): void {
    const now = this.now();
    const flavor = pick(this.rng, FLAVORS);
    const startedAt = now - Math.floor((0.5 + this.rng() * 9.5) * HOUR);
    const deletedAt = this.rng() < deletedRate ? now - Math.floor((0.1 + this.rng() * 1.9) * HOUR) : null;
    const endedAt = deletedAt !== null && deletedAt > startedAt ? deletedAt : null;
    let resizeAt = this.rng() < 0.2 ? now - Math.floor(this.rng() * 2 * HOUR) : undefined;
    const resized = pick(this.rng, FLAVORS).vcpus;
    const id = rngUuid(this.rng);
    const instance: Instance = {
      id,
      projectId,
      createdByProjectId,
      flavorName: flavor.name,
      displayName: `vm-${id.slice(0, 8)}`,
      vcpus: flavor.vcpus,
      startedAt,
      endedAt,
      revisedAt: startedAt,
      points: [],
      metric: { id: rngUuid(this.ids), policy: this.policy },
    };
    const last = endedAt ?? now;
    const from = now - 4 * HOUR;
    let vcpus = flavor.vcpus;
    const events = [startedAt];
    let k = 1;
    for (; auditAt(instance, k) <= last; k++) events.push(auditAt(instance, k));
    this.nextAudit.set(instance, k);
    // A resize within a bucket of another point would be averaged with the old size (as Gnocchi
    // does); kept 5 minutes apart, the generated world has exact per-instance values in any bucket.
    if (resizeAt !== undefined && events.some((at) => Math.abs(at - (resizeAt ?? at)) < 300_000)) resizeAt = undefined;
    if (resizeAt !== undefined && resizeAt > startedAt && resizeAt < last) {
      events.push(resizeAt);
      instance.revisedAt = resizeAt;
    }
    if (endedAt !== null) {
      events.push(endedAt);
      instance.revisedAt = endedAt;
    }
    for (const at of events.sort((a, b) => a - b)) {
      if (at > last) continue;
      if (resizeAt !== undefined && at >= resizeAt) vcpus = resized;
      if (at >= from) instance.points.push({ at, value: vcpus });
    }
    instance.points.sort((a, b) => a.at - b.at);
    instance.vcpus = vcpus;
    this.instances.push(instance);
  }
}
