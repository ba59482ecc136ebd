import { SimServer, type FaultOptions, type SimRequest, type SimResponse } from '../server.js';
import { KeystoneSimulator, type ApplicationCredential, type KeystoneProject, type KeystoneUser, type TokenInfo } from './keystone.js';
import { createRng, pick, rngUuid } from '../rng.js';

export interface Instance {
  id: string;
  projectId: string;
  flavorName: string;
  vcpus: number;
  /** Unix ms. */
  startedAt: number;
  endedAt: number | null;
  /** Raw vcpus measures as the instance emitted them: at creation, resize, deletion and on each audit. */
  points: Array<{ at: number; value: number }>;
}

export interface GnocchiSimulatorOptions {
  seed?: number;
  projects?: number;
  /** Instances per project: [min, max]. */
  instancesPerProject?: [number, number];
  /** Share of instances deleted within the last two hours. */
  deletedRate?: number;
  /** Token lifetime of the Keystone simulator. */
  tokenTtlSeconds?: number;
  /** 'current' answers 404 `Metric [...] does not exist` for an unknown metric; 'legacy' 400 `Metrics not found` (before 4.5). */
  version?: 'current' | 'legacy';
  /** Catalog regions of the metric endpoint (each gets public and internal URLs pointing at this server). */
  regions?: string[];
  faults?: FaultOptions;
  now?: () => number;
}

const FLAVORS = [
  { name: 'm1.tiny', vcpus: 1 },
  { name: 'm1.small', vcpus: 1 },
  { name: 'm1.medium', vcpus: 2 },
  { name: 'm1.large', vcpus: 4 },
  { name: 'm1.xlarge', vcpus: 8 },
];
const HOUR = 3_600_000;
/** Audit period: under the default look-back of 1h even when an audit comes a minute late. */
const AUDIT_MS = 55 * 60_000;

/** The k-th periodic audit of an instance: at its own phase, up to a minute late (a fixed delay per audit). */
function auditAt(instance: Instance, k: number): number {
  let h = k * 2654435761;
  for (let i = 0; i < instance.id.length; i++) h = Math.imul(h ^ instance.id.charCodeAt(i), 16777619);
  return instance.startedAt + k * AUDIT_MS + ((h >>> 0) % 60_000);
}
/** The archive policy: coarsest first, as Gnocchi lists them. */
const GRANULARITIES = [3600, 300];
const ATTRIBUTES = ['id', 'project_id', 'user_id', 'created_by_project_id', 'flavor_name', 'display_name', 'started_at', 'ended_at', 'type'];
const TITLES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable' };

/** Gnocchi's (pecan/webob) JSON error body. */
export function gnocchiError(status: number, description: unknown): unknown {
  return { code: status, description, title: TITLES[status] ?? 'Error' };
}

type Resource = Record<string, string | null>;
type Filter = (r: Resource) => boolean;
class BadSearch extends Error {}

/**
 * Gnocchi `POST /v1/aggregates` over `instance` resources of several
 * projects, behind Keystone. Each instance's `vcpus` is an event-driven gauge:
 * a point at creation, on resize and at deletion, and one per periodic audit
 * (55 min) at the instance's own phase, so points are sparse and unaligned; deleted
 * instances keep their resource with `ended_at` set.
 */
export class GnocchiSimulator {
  readonly server: SimServer;
  readonly keystone: KeystoneSimulator;
  readonly projects: KeystoneProject[] = [];
  readonly instances: Instance[] = [];
  /** Admin user (role admin on project admin) and a member of projects[0]. */
  readonly admin: KeystoneUser;
  readonly member: KeystoneUser;
  readonly adminCredential: ApplicationCredential;
  readonly memberCredential: ApplicationCredential;
  version: 'current' | 'legacy';
  private readonly rng: () => number;
  private readonly now: () => number;
  private readonly regions: string[];
  /** Index of each instance's next audit, for the audits that fall due while the simulator runs. */
  private readonly nextAudit = new Map<Instance, number>();

  constructor(opts: GnocchiSimulatorOptions = {}) {
    const seed = opts.seed ?? 1;
    this.rng = createRng(seed);
    this.now = opts.now ?? Date.now;
    this.version = opts.version ?? 'current';
    this.regions = opts.regions ?? ['RegionOne'];
    this.keystone = new KeystoneSimulator({ seed, tokenTtlSeconds: opts.tokenTtlSeconds, now: this.now });
    const adminProject = this.keystone.addProject('admin');
    const [min, max] = opts.instancesPerProject ?? [2, 6];
    for (let p = 0; p < (opts.projects ?? 3); p++) {
      const project = this.keystone.addProject(`project-${p}`);
      this.projects.push(project);
      const count = min + Math.floor(this.rng() * (max - min + 1));
      for (let i = 0; i < count; i++) this.generateInstance(project.id, opts.deletedRate ?? 0.25);
    }
    this.admin = this.keystone.addUser('exporter', { [adminProject.id]: ['admin', 'member', 'reader'] }, `pw-${seed}-exporter`);
    this.member = this.keystone.addUser('viewer', { [this.projects[0]?.id ?? adminProject.id]: ['member', 'reader'] }, `pw-${seed}-viewer`);
    this.adminCredential = this.keystone.addApplicationCredential(this.admin, adminProject.id);
    this.memberCredential = this.keystone.addApplicationCredential(this.member, this.projects[0]?.id ?? adminProject.id);
    this.server = new SimServer({ seed, faults: opts.faults, errorBody: gnocchiError });
    this.server.route('POST', '/v1/aggregates', (req) => this.aggregates(req));
  }

  async listen(): Promise<string> {
    await this.keystone.listen();
    const url = await this.server.listen();
    this.keystone.setEndpoints(
      'metric',
      'gnocchi',
      this.regions.flatMap((region) => [
        { interface: 'public' as const, region, url },
        { interface: 'internal' as const, region, url },
      ]),
    );
    return url;
  }

  get baseUrl(): string {
    return this.server.url;
  }

  async close(): Promise<void> {
    await Promise.all([this.server.close(), this.keystone.close()]);
  }

  /** A new instance that reports its vcpus now; it has no audit point yet. */
  createInstance(projectId: string, flavorName = 'm1.medium'): Instance {
    const flavor = FLAVORS.find((f) => f.name === flavorName) ?? FLAVORS[2]!;
    const at = this.now();
    const instance: Instance = { id: rngUuid(this.rng), projectId, flavorName: flavor.name, vcpus: flavor.vcpus, startedAt: at, endedAt: null, points: [{ at, value: flavor.vcpus }] };
    this.instances.push(instance);
    this.nextAudit.set(instance, 1);
    return instance;
  }

  /** Deletes an instance now: a last point, then `ended_at`. */
  deleteInstance(id: string): void {
    const instance = this.instance(id);
    const at = this.now();
    instance.points.push({ at, value: instance.vcpus });
    instance.endedAt = at;
  }

  resizeInstance(id: string, vcpus: number): void {
    const instance = this.instance(id);
    instance.vcpus = vcpus;
    instance.points.push({ at: this.now(), value: vcpus });
  }

  /** Emits the audit points that have fallen due since the world was made, so a long demo stays alive. */
  private advance(): void {
    const now = this.now();
    for (const [instance, k] of this.nextAudit) {
      if (instance.endedAt !== null) continue;
      let next = k;
      for (; auditAt(instance, next) <= now; next++) instance.points.push({ at: auditAt(instance, next), value: instance.vcpus });
      this.nextAudit.set(instance, next);
    }
  }

  /** What a correct exporter reports: the vcpus of every live instance, per project. */
  liveVcpusByProject(): Map<string, number> {
    const out = new Map<string, number>();
    for (const i of this.instances) if (i.endedAt === null) out.set(i.projectId, (out.get(i.projectId) ?? 0) + i.vcpus);
    return out;
  }

  private instance(id: string): Instance {
    const found = this.instances.find((i) => i.id === id);
    if (!found) throw new Error(`no instance ${id}`);
    return found;
  }

  private generateInstance(projectId: string, deletedRate: number): void {
    const now = this.now();
    const flavor = pick(this.rng, FLAVORS);
    const startedAt = now - Math.floor((0.5 + this.rng() * 9.5) * HOUR);
    const deletedAt = this.rng() < deletedRate ? now - Math.floor((0.1 + this.rng() * 1.9) * HOUR) : null;
    const endedAt = deletedAt !== null && deletedAt > startedAt ? deletedAt : null;
    let resizeAt = this.rng() < 0.2 ? now - Math.floor(this.rng() * 2 * HOUR) : undefined;
    const resized = pick(this.rng, FLAVORS).vcpus;
    const instance: Instance = { id: rngUuid(this.rng), projectId, flavorName: flavor.name, vcpus: flavor.vcpus, startedAt, endedAt, points: [] };
    const last = endedAt ?? now;
    const from = now - 4 * HOUR;
    let vcpus = flavor.vcpus;
    const events = [startedAt];
    // The periodic audit: every AUDIT_MS at the instance's own phase, up to a minute late.
    let k = 1;
    for (; auditAt(instance, k) <= last; k++) events.push(auditAt(instance, k));
    this.nextAudit.set(instance, k);
    // A resize within a bucket of another point would be averaged with the old size (as Gnocchi
    // does); kept 5 minutes apart, the generated world has exact per-instance values in any bucket.
    if (resizeAt !== undefined && events.some((at) => Math.abs(at - resizeAt!) < 300_000)) resizeAt = undefined;
    if (resizeAt !== undefined && resizeAt > startedAt && resizeAt < last) events.push(resizeAt);
    if (endedAt !== null) events.push(endedAt);
    for (const at of events.sort((a, b) => a - b)) {
      if (at > last) continue;
      if (resizeAt !== undefined && at >= resizeAt) vcpus = resized;
      if (at >= from) instance.points.push({ at, value: vcpus });
    }
    instance.points.sort((a, b) => a.at - b.at);
    instance.vcpus = vcpus;
    this.instances.push(instance);
  }

  private resource(i: Instance): Resource {
    return {
      id: i.id,
      type: 'instance',
      project_id: i.projectId,
      created_by_project_id: i.projectId,
      user_id: this.member.id,
      flavor_name: i.flavorName,
      display_name: `vm-${i.id.slice(0, 8)}`,
      started_at: gnocchiTime(i.startedAt),
      ended_at: i.endedAt === null ? null : gnocchiTime(i.endedAt),
    };
  }

  private error(req: SimRequest, status: number, description: unknown): SimResponse {
    // Without Accept: application/json, webob answers in HTML.
    if (!String(req.headers.accept ?? '').includes('application/json')) {
      const text = typeof description === 'string' ? description : JSON.stringify(description);
      return { status, raw: `<html><head><title>${status} ${TITLES[status]}</title></head><body><h1>${status} ${TITLES[status]}</h1>${text}<br /><br /></body></html>`, headers: { 'content-type': 'text/html; charset=UTF-8' } };
    }
    return { status, body: gnocchiError(status, description) };
  }

  private aggregates(req: SimRequest): SimResponse {
    this.advance();
    const caller: TokenInfo | undefined = this.keystone.validate(req.headers['x-auth-token'] as string | undefined);
    if (!caller) {
      return { status: 401, body: { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } } };
    }
    const body = (req.body ?? {}) as { operations?: unknown; search?: unknown; resource_type?: unknown };
    let ops: Operation;
    try {
      ops = parseOperations(body.operations);
    } catch (err) {
      return this.error(req, 400, { cause: 'Invalid operations', reason: 'Fail to parse the operations string', detail: (err as Error).message });
    }
    if (body.resource_type !== 'instance' && body.resource_type !== 'generic') {
      return this.error(req, 400, `Resource type ${String(body.resource_type)} does not exist`);
    }
    let filter: Filter;
    try {
      filter = body.search === undefined || body.search === '' ? () => true : typeof body.search === 'string' ? parseQueryString(body.search) : jsonFilter(body.search);
    } catch (err) {
      return this.error(req, 400, `Invalid search: ${(err as Error).message}`);
    }
    const q = req.query;
    const start = q.get('start') ? Date.parse(q.get('start')!) : -Infinity;
    const stop = q.get('stop') ? Date.parse(q.get('stop')!) : Infinity;
    if (Number.isNaN(start) || Number.isNaN(stop)) return this.error(req, 400, 'Invalid value for start/stop: must be a timestamp');
    const granularity = q.get('granularity') ? Number(q.get('granularity')) : undefined;
    const fill = q.get('fill') ?? undefined;
    const neededOverlap = q.get('needed_overlap') !== null ? Number(q.get('needed_overlap')) : fill === undefined ? undefined : 100;
    const groupby = [...new Set(q.getAll('groupby'))].sort();
    for (const g of groupby) {
      if (!ATTRIBUTES.includes(g)) return this.error(req, 400, `Invalid pagination: \`Sort key supplied is invalid: ${g}'`);
    }
    const admin = caller.roles.includes('admin');
    const resources = this.instances
      .map((i) => ({ instance: i, resource: this.resource(i) }))
      .filter(({ resource }) => (admin || resource.project_id === caller.projectId) && filter(resource));
    const grans = granularity === undefined ? GRANULARITIES : [granularity];
    if (grans.some((g) => !GRANULARITIES.includes(g))) {
      return this.error(req, 404, { cause: 'Metrics with unknown aggregation', detail: resources.map((r) => [r.instance.id, ops.refs[0]?.agg]) });
    }
    const compute = (members: typeof resources) => {
      const refs = members.flatMap(({ instance }) => ops.refs.filter((r) => r.metric === 'vcpus').map((r) => ({ instance, agg: r.agg })));
      if (refs.length === 0) return undefined;
      const window = { start, stop, fill, neededOverlap };
      if (ops.aggregate) return { aggregated: grans.flatMap((g) => aggregateAcross(refs.map((r) => bucket(r.instance.points, g, r.agg, window)), g, ops.aggregate!, window)) };
      const out: Record<string, Record<string, Record<string, unknown[]>>> = {};
      for (const r of refs) ((out[r.instance.id] ??= {}).vcpus ??= {})[r.agg] = grans.flatMap((g) => toTuples(bucket(r.instance.points, g, r.agg, window), g));
      return out;
    };
    const notFound = () => {
      const names = [...new Set(ops.refs.map((r) => r.metric))].sort();
      return this.version === 'current'
        ? this.error(req, 404, `Metric [${names.map((n) => `'${n}'`).join(', ')}] does not exist`)
        : this.error(req, 400, { cause: 'Metrics not found', detail: names });
    };
    let payload: unknown;
    if (groupby.length === 0) {
      const measures = compute(resources);
      if (!measures) return notFound();
      payload = { measures };
    } else {
      const groups = new Map<string, typeof resources>();
      for (const r of resources) {
        const key = JSON.stringify(groupby.map((g) => r.resource[g]));
        groups.set(key, [...(groups.get(key) ?? []), r]);
      }
      const out: unknown[] = [];
      for (const [key, members] of [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const measures = compute(members);
        if (!measures) continue;
        const values = JSON.parse(key) as unknown[];
        out.push({ group: Object.fromEntries(groupby.map((g, i) => [g, values[i]])), measures: { measures } });
      }
      if (out.length === 0 && resources.length > 0) return notFound();
      payload = out;
    }
    return { raw: serialize(payload) };
  }
}

interface Operation {
  aggregate?: string;
  refs: Array<{ metric: string; agg: string }>;
}

const AGGS = ['mean', 'sum', 'min', 'max', 'count', 'last'];

function parseOperations(value: unknown): Operation {
  if (typeof value !== 'string') throw new Error('operations must be a string');
  const tokens = value.match(/\(|\)|[^\s()]+/g) ?? [];
  let pos = 0;
  const read = (): unknown => {
    const t = tokens[pos++];
    if (t === undefined) throw new Error('Expected ")", found end of text');
    if (t !== '(') return t;
    const list: unknown[] = [];
    while (tokens[pos] !== ')') {
      if (pos >= tokens.length) throw new Error('Expected ")", found end of text');
      list.push(read());
    }
    pos++;
    return list;
  };
  const tree = read();
  if (pos !== tokens.length || !Array.isArray(tree)) throw new Error(`Expected end of text at ${pos}`);
  const metric = (node: unknown[]): Operation['refs'] => {
    if (node[0] !== 'metric' || node.length < 2) throw new Error(`'${String(node[0])}' operation invalid`);
    const pairs = Array.isArray(node[1]) ? (node.slice(1) as unknown[][]) : [node.slice(1)];
    return pairs.map((p) => {
      if (p.length !== 2 || !AGGS.includes(String(p[1]))) throw new Error(`invalid metric reference ${JSON.stringify(p)}`);
      return { metric: String(p[0]), agg: String(p[1]) };
    });
  };
  if (tree[0] === 'aggregate') {
    if (tree.length !== 3 || !AGGS.includes(String(tree[1])) || !Array.isArray(tree[2])) throw new Error("'aggregate' operation invalid");
    return { aggregate: String(tree[1]), refs: metric(tree[2] as unknown[]) };
  }
  return { refs: metric(tree) };
}

interface Window {
  start: number;
  stop: number;
  fill: string | undefined;
  neededOverlap: number | undefined;
}

function reduce(values: number[], agg: string): number {
  switch (agg) {
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'min':
      return Math.min(...values);
    case 'max':
      return Math.max(...values);
    case 'count':
      return values.length;
    case 'last':
      return values[values.length - 1]!;
    default:
      return values.reduce((a, b) => a + b, 0) / values.length;
  }
}

/** One metric's measures rolled up into buckets of `granularity` seconds, within [start, stop). */
function bucket(points: Instance['points'], granularity: number, agg: string, w: Window): Map<number, number> {
  const step = granularity * 1000;
  const byBucket = new Map<number, number[]>();
  for (const p of points) {
    const b = Math.floor(p.at / step) * step;
    if (b < w.start || b >= w.stop) continue;
    byBucket.set(b, [...(byBucket.get(b) ?? []), p.value]);
  }
  return new Map([...byBucket.entries()].sort(([a], [b]) => a - b).map(([b, v]) => [b, reduce(v, agg)]));
}

/** Across series: Gnocchi keeps a timestamp when `needed_overlap` percent of the series have it, or fills the gaps. */
function aggregateAcross(series: Array<Map<number, number>>, granularity: number, agg: string, w: Window): unknown[] {
  const step = granularity * 1000;
  let stamps = [...new Set(series.flatMap((s) => [...s.keys()]))].sort((a, b) => a - b);
  const fillValue = w.fill === undefined || w.fill === 'dropna' || w.fill === 'ffill' || w.fill === 'null' ? undefined : Number(w.fill);
  if (w.fill === 'null' || fillValue !== undefined) {
    // Filled series cover the whole window: empty buckets become NaN (or the fill value).
    if (Number.isFinite(w.start) && Number.isFinite(w.stop)) {
      stamps = [];
      for (let b = Math.ceil(w.start / step) * step; b < w.stop; b += step) stamps.push(b);
    }
  }
  const out: Array<[number, number]> = [];
  const previous: Array<number | undefined> = series.map(() => undefined);
  for (const at of stamps) {
    const present: number[] = [];
    series.forEach((s, i) => {
      let v = s.get(at);
      if (v === undefined && w.fill === 'ffill') v = previous[i];
      if (v === undefined && fillValue !== undefined) v = fillValue;
      if (v !== undefined) {
        present.push(v);
        previous[i] = v;
      }
    });
    if (present.length === 0) {
      if (w.fill === 'null') out.push([at, Number.NaN]);
      continue;
    }
    const overlap = (present.length / series.length) * 100;
    if (w.fill === undefined && (w.neededOverlap ?? 100) > overlap) continue;
    out.push([at, reduce(present, agg)]);
  }
  return out.map(([at, v]) => [gnocchiTime(at), granularity, v]);
}

function toTuples(buckets: Map<number, number>, granularity: number): unknown[] {
  return [...buckets.entries()].map(([at, v]) => [gnocchiTime(at), granularity, v]);
}

export function gnocchiTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** JSON as Python writes it: non-finite numbers as bare NaN / Infinity tokens. */
function serialize(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? `\u0000${v}` : v)).replace(/"\\u0000(NaN|-?Infinity)"/g, '$1');
}

// Search filters: Gnocchi's query string syntax and its JSON form.

const BINARY = ['>=', '<=', '!=', '==', '=', '>', '<', 'eq', 'ne', 'lt', 'gt', 'ge', 'le', 'like', 'in'];

function compare(op: string, attr: string, value: unknown): Filter {
  if (!ATTRIBUTES.includes(attr)) throw new BadSearch(`unknown attribute ${attr}`);
  const norm = (v: unknown) => (v === null || v === undefined ? null : String(v));
  switch (op) {
    case '=':
    case '==':
    case 'eq':
      return (r) => r[attr] === norm(value);
    case '!=':
    case 'ne':
      return (r) => r[attr] !== norm(value);
    case 'like': {
      const re = new RegExp(`^${String(value).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*')}$`);
      return (r) => r[attr] !== null && re.test(r[attr]!);
    }
    case 'in':
      if (!Array.isArray(value)) throw new BadSearch('"in" needs a list');
      return (r) => value.map(norm).includes(r[attr] ?? null);
    case '>':
    case 'gt':
      return (r) => r[attr] !== null && r[attr]! > String(value);
    case '<':
    case 'lt':
      return (r) => r[attr] !== null && r[attr]! < String(value);
    case '>=':
    case 'ge':
      return (r) => r[attr] !== null && r[attr]! >= String(value);
    case '<=':
    case 'le':
      return (r) => r[attr] !== null && r[attr]! <= String(value);
    default:
      throw new BadSearch(`unknown operator ${op}`);
  }
}

function jsonFilter(node: unknown): Filter {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) throw new BadSearch('a filter is an object');
  const entries = Object.entries(node);
  if (entries.length === 0) return () => true;
  if (entries.length !== 1) throw new BadSearch('a filter has one operator');
  const [op, arg] = entries[0]!;
  const lower = op.toLowerCase();
  if (lower === 'and' || lower === 'or') {
    if (!Array.isArray(arg)) throw new BadSearch(`"${op}" needs a list`);
    const parts = arg.map(jsonFilter);
    return lower === 'and' ? (r) => parts.every((f) => f(r)) : (r) => parts.some((f) => f(r));
  }
  if (lower === 'not') {
    const inner = jsonFilter(arg);
    return (r) => !inner(r);
  }
  if (typeof arg !== 'object' || arg === null || Object.keys(arg).length !== 1) throw new BadSearch(`"${op}" needs one attribute`);
  const [attr, value] = Object.entries(arg)[0]!;
  return compare(lower, attr, value);
}

function parseQueryString(text: string): Filter {
  const tokens = text.match(/\(|\)|'[^']*'|"[^"]*"|>=|<=|!=|==|=|>|<|[^\s()=<>!]+/g) ?? [];
  let pos = 0;
  const peek = () => tokens[pos]?.toLowerCase();
  const value = (): unknown => {
    const t = tokens[pos++];
    if (t === undefined) throw new BadSearch('value expected');
    if (/^['"]/.test(t)) return t.slice(1, -1);
    if (/^(none|null)$/i.test(t)) return null;
    return t;
  };
  const atom = (): Filter => {
    if (peek() === 'not') {
      pos++;
      const inner = atom();
      return (r) => !inner(r);
    }
    if (peek() === '(') {
      pos++;
      const inner = or();
      if (tokens[pos++] !== ')') throw new BadSearch('")" expected');
      return inner;
    }
    const attr = tokens[pos++];
    const op = peek();
    if (!attr || !op || !BINARY.includes(op)) throw new BadSearch(`operator expected after ${attr ?? 'end of text'}`);
    pos++;
    return compare(op, attr, value());
  };
  const and = (): Filter => {
    const parts = [atom()];
    while (peek() === 'and' || peek() === '∧') {
      pos++;
      parts.push(atom());
    }
    return (r) => parts.every((f) => f(r));
  };
  const or = (): Filter => {
    const parts = [and()];
    while (peek() === 'or' || peek() === '∨') {
      pos++;
      parts.push(and());
    }
    return (r) => parts.some((f) => f(r));
  };
  const filter = or();
  if (pos !== tokens.length) throw new BadSearch(`unexpected ${tokens[pos]}`);
  return filter;
}
