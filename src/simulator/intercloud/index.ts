import type { IncomingMessage } from 'node:http';
import { createRng, pick, rngUuid } from '../rng.js';
import { SimServer, type FaultOptions, type SimRequest, type SimResponse } from '../server.js';
import { bearer, TokenStore } from '../tokens.js';

/** The seven regions of InterCloud's offer, as named by the group metrics. */
export const REGIONS = ['latin-america', 'japan', 'south-africa', 'southeast-asia', 'north-america', 'europe', 'pacific'] as const;

const STEP_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

export interface IntercloudSimOptions {
  seed?: number;
  /** Organisations below the own one, at every depth. */
  organisations?: number;
  /** Deepest nesting of child organisations; the tree reaches it when there are enough organisations. */
  depth?: number;
  /** Groups per organisation: a number, or [min, max] drawn per organisation. */
  groupsPerOrg?: number | [number, number];
  /** Regions with a timeserie per group: a number, or [min, max] (0..7) drawn per group. */
  regionsPerGroup?: number | [number, number];
  /** Share of points whose value is null. */
  nullRate?: number;
  /** Share of group-region series that answer without any point. */
  emptyRate?: number;
  /** Some organisation and group names with quotes, backslashes, newlines and non-ASCII. */
  oddNames?: boolean;
  latencyMs?: number;
  /** Lifetime of tokens from POST /auth/token (the portal's is one hour). */
  tokenTtlSeconds?: number;
  personalAccessToken?: string;
  username?: string;
  password?: string;
  basicToken?: string;
  faults?: FaultOptions;
}

export interface SimOrganisation {
  id: string;
  name: string;
  parentId: string;
  /** Set by the portal for resellers; a reseller may have no children yet. */
  reseller: boolean;
  children: string[];
  groups: SimGroup[];
}

export interface SimMetric {
  name: string;
  type: string;
}

export interface SimGroup {
  id: string;
  name: string;
  irn: string;
  organisationId: string;
  countConnectors: number;
  countLinks: number;
  metrics: SimMetric[];
  /** Typical used capacity in bit/s. */
  level: number;
}

type Point = [string, number | null];

/**
 * The InterCloud portal API as the seed document and UPSTREAMS.md describe
 * it: Personal Access Tokens and the password grant with expiring tokens, a
 * reseller tree walked through /organisations, groups listed per organisation
 * with the InterCloud-Scope header, and 5-minute used-capacity points in bit/s
 * per group and region. A request about a child organisation without the
 * right scope is refused with 403, as the portal does for what the caller may
 * not see. The world is the same for the same seed.
 */
export class IntercloudSimulator {
  readonly server: SimServer;
  readonly tokens: TokenStore<{ userId: string }>;
  readonly personalAccessToken: string;
  readonly username: string;
  readonly password: string;
  readonly basicToken: string;
  readonly root: SimOrganisation;
  readonly userId: string;
  nullRate: number;
  emptyRate: number;
  private readonly orgs = new Map<string, SimOrganisation>();
  private readonly groupsByIrn = new Map<string, SimGroup>();
  private readonly points = new Map<string, Point[]>();
  private readonly failing = new Map<string, number>();
  private readonly rng: () => number;
  private readonly regionsPerGroup: number | [number, number];
  private readonly oddNames: boolean;
  private readonly seed: number;
  private nameCounter = 0;

  constructor(opts: IntercloudSimOptions = {}) {
    this.seed = opts.seed ?? 1;
    this.rng = createRng(this.seed);
    this.nullRate = opts.nullRate ?? 0.05;
    this.emptyRate = opts.emptyRate ?? 0.05;
    this.regionsPerGroup = opts.regionsPerGroup ?? [0, 7];
    this.oddNames = opts.oddNames ?? false;
    this.personalAccessToken = opts.personalAccessToken ?? `icpat_${rngUuid(this.rng).replace(/-/g, '')}`;
    this.username = opts.username ?? 'admin@parent.example';
    this.password = opts.password ?? 'titi tata toto';
    this.basicToken = opts.basicToken ?? Buffer.from(`exporter:${rngUuid(this.rng)}`).toString('base64');
    this.userId = rngUuid(this.rng);
    this.tokens = new TokenStore(opts.tokenTtlSeconds ?? 3600);
    this.server = new SimServer({
      seed: this.seed,
      faults: { ...opts.faults, latencyMs: opts.latencyMs ?? opts.faults?.latencyMs },
      errorBody: (status, message) => ({ code: status, message }),
    });

    this.root = this.createOrganisation(undefined, rngUuid(this.rng), 'Parent orga', opts.groupsPerOrg ?? [0, 4]);
    this.generateTree(opts.organisations ?? 12, opts.depth ?? 3, opts.groupsPerOrg ?? [0, 4]);
    this.routes();
  }

  listen(): Promise<string> {
    return this.server.listen();
  }

  get url(): string {
    return this.server.url;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  // ---- the world, for tests -------------------------------------------------

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
    const group = this.createGroup(org, name ?? this.groupName(org.groups.length));
    group.metrics = regions.map((r) => ({ name: r, type: 'timeserie' }));
    return group;
  }

  deleteGroup(groupId: string): void {
    for (const org of this.orgs.values()) {
      const at = org.groups.findIndex((g) => g.id === groupId);
      if (at < 0) continue;
      this.groupsByIrn.delete(org.groups[at].irn);
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
  setPoints(groupId: string, region: string, points: Point[]): void {
    this.points.set(`${this.group(groupId)!.irn}|${region}`, points);
  }

  /** Every request about this organisation (scope or path) answers `status`; undefined heals it. */
  failOrganisation(id: string, status: number | undefined): void {
    if (status === undefined) this.failing.delete(id);
    else this.failing.set(id, status);
  }

  /** Invalidates every issued token at once, as a key rotation would; PATs stay valid. */
  expireTokens(): void {
    this.tokens.revokeAll();
  }

  /**
   * The points /run answers for a group and region over [start, end] (ms):
   * 5-minute aligned, in bit/s, with occasional nulls; none for an empty series.
   */
  series(group: SimGroup, region: string, start: number, end: number): Point[] {
    const fixed = this.points.get(`${group.irn}|${region}`);
    if (fixed) return fixed.filter(([t]) => Date.parse(t) >= start && Date.parse(t) <= end);
    if (unit(hash(`${this.seed}|${group.id}|${region}|empty`)) < this.emptyRate) return [];
    const step = end - start > DAY_MS ? 12 * STEP_MS : STEP_MS;
    const out: Point[] = [];
    const phase = unit(hash(`${group.id}|${region}|phase`)) * 2 * Math.PI;
    const share = 0.2 + unit(hash(`${group.id}|${region}|share`));
    for (let t = Math.ceil(start / step) * step; t <= end; t += step) {
      const h = unit(hash(`${this.seed}|${group.irn}|${region}|${t}`));
      if (h < this.nullRate) {
        out.push([iso(t), null]);
        continue;
      }
      const daily = 0.65 + 0.35 * Math.sin((2 * Math.PI * (t % DAY_MS)) / DAY_MS + phase);
      out.push([iso(t), group.level * share * daily * (0.9 + 0.2 * h)]);
    }
    return out;
  }

  // ---- generation -----------------------------------------------------------

  private generateTree(count: number, depth: number, groupsPerOrg: number | [number, number]): void {
    const nodes: Array<{ org: SimOrganisation; depth: number }> = [{ org: this.root, depth: 0 }];
    for (let i = 0; i < count; i++) {
      // The first ones form a chain so that the configured depth is always reached.
      const parent =
        i < depth ? nodes[i] : this.rng() < 0.45 ? nodes[0] : pick(this.rng, nodes.filter((n) => n.depth < depth));
      const org = this.createOrganisation(parent.org, rngUuid(this.rng), this.orgName(), groupsPerOrg);
      nodes.push({ org, depth: parent.depth + 1 });
    }
    // A few resellers have not sold anything yet.
    for (const { org } of nodes) if (org.children.length === 0 && this.rng() < 0.05) org.reseller = true;
  }

  private createOrganisation(parent: SimOrganisation | undefined, id: string, name: string, groupsPerOrg: number | [number, number]): SimOrganisation {
    const org: SimOrganisation = { id, name, parentId: parent?.id ?? rngUuid(this.rng), reseller: false, children: [], groups: [] };
    this.orgs.set(id, org);
    if (parent) {
      parent.children.push(id);
      parent.reseller = true;
    }
    const n = this.draw(groupsPerOrg);
    for (let g = 0; g < n; g++) this.createGroup(org, this.groupName(g));
    return org;
  }

  private createGroup(org: SimOrganisation, name: string): SimGroup {
    const regions = [...REGIONS].sort(() => this.rng() - 0.5).slice(0, this.draw(this.regionsPerGroup));
    const group: SimGroup = {
      id: rngUuid(this.rng),
      name,
      irn: `irn:group:${org.id.slice(-12)}::${Math.floor(this.rng() * 36 ** 7).toString(36).padStart(7, '0')}`,
      organisationId: org.id,
      countConnectors: Math.floor(this.rng() * 6),
      countLinks: Math.floor(this.rng() * 4),
      metrics: regions.map((r) => ({ name: r, type: 'timeserie' })),
      level: 10 ** (5 + this.rng() * 4),
    };
    org.groups.push(group);
    this.groupsByIrn.set(group.irn, group);
    return group;
  }

  private draw(spec: number | [number, number]): number {
    if (typeof spec === 'number') return spec;
    return spec[0] + Math.floor(this.rng() * (spec[1] - spec[0] + 1));
  }

  private orgName(): string {
    this.nameCounter += 1;
    if (this.oddNames && this.nameCounter % 4 === 0) {
      return pick(this.rng, ['Acme "Cloud" Ops', 'Back\\slash Networks', 'Zürich–Genève Réseaux', 'Two\nLines Ltd', 'Ünïcødé 🚀 Hosting']);
    }
    const a = pick(this.rng, ['Nordic', 'Atlas', 'Blue', 'Helios', 'Orion', 'Vertex', 'Alpine', 'Coral', 'Delta', 'Iris']);
    const b = pick(this.rng, ['Cloud', 'Networks', 'Data', 'Telecom', 'Systems', 'Hosting', 'Digital', 'Connect']);
    return `${a} ${b} ${this.nameCounter}`;
  }

  private groupName(index: number): string {
    const base = pick(this.rng, ['Europe', 'Production', 'Backup', 'Analytics', 'Web', 'ERP', 'Asia', 'Americas']);
    return `${base} ${index + 1}`;
  }

  // ---- the API --------------------------------------------------------------

  private routes(): void {
    const s = this.server;
    s.route('POST', '/auth/token', (req) => this.token(req));
    s.route('GET', '/me/info', (req) => this.authed(req, () => ({ body: this.meInfo() })));
    s.route('GET', '/organisations/:id', (req) =>
      this.authed(req, () => {
        const org = this.orgs.get(req.params.id ?? '');
        if (!org || !this.visible(org)) return error(403, 'organisation not accessible');
        if (org !== this.root && scopeOf(req) !== org.id) return error(403, 'InterCloud-Scope header required for a child organisation');
        return this.failure(org.id) ?? { body: this.organisationBody(org) };
      }),
    );
    s.route('GET', '/groups', (req) =>
      this.authed(req, () => {
        const org = this.scoped(req);
        if (!isOrganisation(org)) return org;
        return this.failure(org.id) ?? { body: org.groups.map((g) => groupBody(g)) };
      }),
    );
    s.route('GET', '/metrics/query/irn/:irn', (req) => this.authed(req, () => this.withGroup(req, (g) => ({ body: g.metrics }))));
    s.route('GET', '/metrics/query/irn/:irn/:metric/run', (req) => this.authed(req, () => this.withGroup(req, (g) => this.run(req, g))));
  }

  private token(req: SimRequest): SimResponse {
    if (req.headers.authorization !== `Basic ${this.basicToken}`) return error(401, 'invalid basic token');
    if (!String(req.headers['content-type']).includes('application/json')) return error(400, 'Content-Type must be application/json');
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.grant_type !== 'password') return { status: 400, body: { error: 'unsupported_grant_type' } };
    if (body.username !== this.username || body.password !== this.password) {
      return { status: 400, body: { error: 'invalid_grant', error_description: 'invalid username or password' } };
    }
    const scope = typeof body.scope === 'string' ? body.scope : 'everything';
    const access = this.tokens.issue({ userId: this.userId });
    const refresh = this.tokens.issue({ userId: this.userId }, this.tokens.ttlSeconds * 24);
    return { body: { access_token: access.token, expires_in: this.tokens.ttlSeconds, refresh_token: refresh.token, scope, token_type: 'Bearer' } };
  }

  private authed(req: SimRequest, handler: () => SimResponse): SimResponse {
    const token = bearer(req.headers.authorization);
    if (token === undefined || (token !== this.personalAccessToken && !this.tokens.check(token))) {
      return error(401, 'invalid or expired token');
    }
    return handler();
  }

  /** The organisation a request acts on: its InterCloud-Scope, else the caller's own. */
  private scoped(req: SimRequest): SimOrganisation | SimResponse {
    const scope = scopeOf(req);
    if (scope === undefined) return this.root;
    const org = this.orgs.get(scope);
    if (!org || !this.visible(org)) return error(403, 'scope not allowed');
    return org;
  }

  private withGroup(req: SimRequest, handler: (g: SimGroup) => SimResponse): SimResponse {
    const org = this.scoped(req);
    if (!isOrganisation(org)) return org;
    const failed = this.failure(org.id);
    if (failed) return failed;
    const group = this.groupsByIrn.get(req.params.irn ?? '');
    if (!group) return error(404, 'resource not found');
    if (group.organisationId !== org.id) return error(403, 'resource belongs to another organisation: set InterCloud-Scope');
    return handler(group);
  }

  private run(req: SimRequest, group: SimGroup): SimResponse {
    const metric = group.metrics.find((m) => m.name === req.params.metric);
    if (!metric) return error(404, 'metric not found');
    const start = Date.parse(req.query.get('start-d') ?? '');
    const end = Date.parse(req.query.get('end-d') ?? '');
    if (Number.isNaN(start) || Number.isNaN(end) || end < start) return error(400, 'start-d and end-d must be RFC 3339 timestamps, start before end');
    const values = this.series(group, metric.name, start, end);
    const emptiness = unit(hash(`${group.irn}|${metric.name}|shape`));
    let Results: unknown[];
    if (values.length > 0) Results = [{ Series: [{ name: 'interface_snmp', columns: ['time', 'sum'], values }], Messages: null }];
    else if (emptiness < 0.33) Results = [];
    else if (emptiness < 0.66) Results = [{ Series: null, Messages: null }];
    else Results = [{ Series: [{ name: 'interface_snmp', columns: ['time', 'sum'], values: [] }], Messages: null }];
    return {
      body: { type: 'timeserie', measure: 'Used Capacity', axis: { non_negative_derivative: { unit: 'bps', title: '' } }, Results },
    };
  }

  private visible(org: SimOrganisation): boolean {
    const seen = new Set<string>();
    for (let o: SimOrganisation | undefined = org; o && !seen.has(o.id); o = this.orgs.get(o.parentId)) {
      if (o === this.root) return true;
      seen.add(o.id);
    }
    return false;
  }

  private failure(orgId: string): SimResponse | undefined {
    const status = this.failing.get(orgId);
    return status === undefined ? undefined : error(status, 'organisation temporarily unavailable');
  }

  private meInfo(): unknown {
    const at = '2020-06-26T10:23:26.672563Z';
    return {
      id: this.userId,
      createdAt: at,
      updatedAt: at,
      lastname: 'admin',
      firstname: 'reseller',
      email: this.username,
      role: 'admin',
      contact: null,
      preference: null,
      login: { id: rngUuid(createRng(this.seed + 1)), userId: this.userId, numberLogin: 3, numberFaileLogin: 0 },
      organisationId: this.root.id,
    };
  }

  private organisationBody(org: SimOrganisation): unknown {
    return {
      id: org.id,
      name: org.name,
      address: { id: org.id.replace(/^.{8}/, '009d5c97'), organisationId: org.id, street: 'd', city: 'd', zipcode: 'd', country: 'd' },
      capacities: null,
      phone: 'd',
      parentId: org.parentId,
      children: org.children.map((id) => {
        const c = this.orgs.get(id)!;
        return { id: c.id, name: c.name, reseller: c.reseller, childrenCount: c.children.length };
      }),
      reseller: org.reseller,
    };
  }
}

function groupBody(g: SimGroup): unknown {
  const at = '2020-06-26T10:02:22.996745Z';
  return {
    id: g.id,
    createdAt: at,
    updatedAt: at,
    irn: g.irn,
    name: g.name,
    description: '',
    organisationId: g.organisationId,
    allocatedCapacity: null,
    tagIds: null,
    countConnectors: g.countConnectors,
    countFlowConnectors: 0,
    countLinks: g.countLinks,
    countFlowLinks: 0,
  };
}

function isOrganisation(x: SimOrganisation | SimResponse): x is SimOrganisation {
  return 'children' in x;
}

function scopeOf(req: SimRequest): string | undefined {
  const h: IncomingMessage['headers'][string] = req.headers['intercloud-scope'];
  return Array.isArray(h) ? h[0] : h;
}

function error(status: number, message: string): SimResponse {
  return { status, body: { code: status, message } };
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995);
  return (h ^ (h >>> 15)) >>> 0;
}

function unit(h: number): number {
  return h / 4294967296;
}
