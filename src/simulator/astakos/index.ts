import { createRng, pick, rngUuid } from '../rng.js';
import { SimServer, type FaultOptions, type SimRequest, type SimResponse } from '../server.js';
import { TokenStore } from '../tokens.js';

/**
 * Synnefo Astakos' quota API, in either of its two shapes:
 * - `released` (Synnefo 0.14+): served at `/account/v1.0`, sources are bare
 *   project uuids (a user's own system project has the user's uuid), entries
 *   carry `project_limit/usage/pending`, and `/identity/v2.0/tokens` names a
 *   token's user;
 * - `seed` (the early draft API document): served at `/astakos/api`, sources
 *   `system` and `project:<n>`, no project figures, no identity service.
 * Quantities are kept as BigInt and written as exact JSON integers, so the
 * unlimited 2^63-1 reaches the client digit for digit, as Astakos sends it.
 */
export type AstakosShape = 'released' | 'seed';

export interface AstakosSimulatorOptions {
  seed?: number;
  shape?: AstakosShape;
  /** Number of users (at least 2). */
  users?: number;
  /** Shared projects besides each user's own. */
  projects?: number;
  faults?: FaultOptions;
  /** Lifetime of every token (Astakos' default is 30 days). */
  tokenTtlSeconds?: number;
}

export const UNLIMITED = 2n ** 63n - 1n;
const GiB = 2n ** 30n;

interface ResourceDef {
  name: string;
  component: string;
  unit: 'bytes' | null;
  description: string;
  /** Per-member limit in a user's own project. */
  base: bigint;
}

const RESOURCES: ResourceDef[] = [
  { name: 'cyclades.vm', component: 'cyclades', unit: null, description: 'Number of virtual machines', base: 4n },
  { name: 'cyclades.cpu', component: 'cyclades', unit: null, description: 'Number of virtual machine processors', base: 8n },
  { name: 'cyclades.ram', component: 'cyclades', unit: 'bytes', description: 'Virtual machine memory', base: 8n * GiB },
  { name: 'cyclades.disk', component: 'cyclades', unit: 'bytes', description: 'Virtual machine disk size', base: 80n * GiB },
  { name: 'cyclades.floating_ip', component: 'cyclades', unit: null, description: 'Number of Floating IP addresses', base: 1n },
  { name: 'pithos.diskspace', component: 'pithos', unit: 'bytes', description: 'Pithos account storage space', base: 20n * GiB },
  { name: 'astakos.pending_app', component: 'astakos', unit: null, description: 'Number of pending project applications', base: 2n },
];

export interface SimUser {
  uuid: string;
  name: string;
  token: string;
}

export interface SimProject {
  /** The key Astakos uses as source: a uuid (released) or `system` / `project:<n>` (seed). */
  id: string;
  /** Project-wide limits; a user's own project has none beyond the member's. */
  limits: Map<string, bigint>;
  members: number[];
}

interface Holding {
  limit: bigint;
  usage: bigint;
  pending: bigint;
}

export interface SimCommission {
  serial: number;
  component: string;
  user: number;
  source: string;
  resource: string;
  quantity: bigint;
}

export class AstakosSimulator {
  readonly server: SimServer;
  readonly shape: AstakosShape;
  readonly users: SimUser[] = [];
  /** Shared projects; each user's own project is `ownProject(user)`. */
  readonly projects: SimProject[] = [];
  readonly components = [...new Set(RESOURCES.map((r) => r.component))];
  readonly commissions = new Map<number, SimCommission>();
  /** Resources as `/resources` lists them (tests may add or remove some). */
  readonly resources = new Map(RESOURCES.map((r) => [r.name, r]));
  private readonly holdings = new Map<string, Holding>();
  private readonly tokens: TokenStore<{ user?: number; component?: string }>;
  private readonly serviceTokens = new Map<string, string>();
  private readonly deleted = new Set<number>();
  private nextSerial = 100;

  constructor(opts: AstakosSimulatorOptions = {}) {
    const seed = opts.seed ?? 1;
    this.shape = opts.shape ?? 'released';
    this.server = new SimServer({ seed, faults: opts.faults, errorBody: astakosError });
    this.tokens = new TokenStore(opts.tokenTtlSeconds ?? 30 * 86_400);
    this.build(createRng(seed), Math.max(2, opts.users ?? 4), opts.projects ?? 2);
    this.routes();
  }

  async listen(): Promise<string> {
    await this.server.listen();
    return this.baseUrl;
  }

  /** The quota API base to configure as `baseUrl`. */
  get baseUrl(): string {
    return `${this.server.url}${this.prefix}`;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  userToken(user: number): string {
    return this.users[user]!.token;
  }

  serviceToken(component: string): string {
    const token = this.serviceTokens.get(component);
    if (!token) throw new Error(`no component ${component}`);
    return token;
  }

  /** A user removed from Astakos: gone from every answer, their token refused. */
  deleteUser(user: number): void {
    this.deleted.add(user);
  }

  /** Every token refused from now on (`{"unauthorized": ...}`), as after a token renewal. */
  revokeTokens(): void {
    this.tokens.revokeAll();
  }

  /** Source key of a user's own project: the user's uuid (released) or `system` (seed). */
  ownProject(user: number): string {
    return this.shape === 'released' ? this.users[user]!.uuid : 'system';
  }

  /** Sources a user draws quota from. */
  sourcesOf(user: number): string[] {
    return [this.ownProject(user), ...this.projects.filter((p) => p.members.includes(user)).map((p) => p.id)];
  }

  holding(user: number, source: string, resource: string): Holding {
    const h = this.holdings.get(key(user, source, resource));
    if (!h) throw new Error(`user ${user} has no ${resource} in ${source}`);
    return h;
  }

  setHolding(user: number, source: string, resource: string, values: Partial<Holding>): void {
    Object.assign(this.holding(user, source, resource), values);
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

  private get prefix(): string {
    return this.shape === 'released' ? '/account/v1.0' : '/astakos/api';
  }

  private build(rng: () => number, userCount: number, projectCount: number): void {
    const randomToken = () => Array.from({ length: 30 }, () => pick(rng, TOKEN_CHARS)).join('');
    for (let i = 0; i < userCount; i++) {
      const user = { uuid: rngUuid(rng), name: `user${i}@example.org`, token: randomToken() };
      this.users.push(user);
      this.tokens.issue({ user: i }, undefined, user.token);
    }
    for (const component of this.components) {
      const token = randomToken();
      this.serviceTokens.set(component, token);
      this.tokens.issue({ component }, undefined, token);
    }
    for (let p = 0; p < projectCount; p++) {
      // About three shared projects per user, however many there are.
      const members = this.users.map((_, i) => i).filter(() => rng() < Math.min(0.6, 3 / projectCount));
      if (!members.length) members.push(p % userCount);
      const limits = new Map(RESOURCES.map((r) => [r.name, rng() < 0.2 ? UNLIMITED : r.base * BigInt(2 + Math.floor(rng() * 4)) * BigInt(members.length)]));
      this.projects.push({ id: this.shape === 'released' ? rngUuid(rng) : `project:${p + 1}`, limits, members });
    }
    this.users.forEach((_, u) => {
      for (const source of this.sourcesOf(u)) {
        for (const r of RESOURCES) {
          const unlimited = r.name === 'astakos.pending_app' ? rng() < 0.5 : rng() < 0.1;
          const limit = unlimited ? UNLIMITED : r.base * BigInt(1 + Math.floor(rng() * 3));
          const usage = unlimited ? BigInt(Math.floor(rng() * 5)) : (limit * BigInt(Math.floor(rng() * 90))) / 100n;
          this.holdings.set(key(u, source, r.name), { limit, usage, pending: 0n });
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

  /** Each shared project's usage and pending per resource, all (remaining) members together. */
  private projectTotals(): Map<string, { usage: bigint; pending: bigint }> {
    const totals = new Map<string, { usage: bigint; pending: bigint }>();
    for (const project of this.projects) {
      for (const r of RESOURCES) {
        const total = { usage: 0n, pending: 0n };
        for (const m of project.members) {
          if (this.deleted.has(m)) continue;
          const h = this.holding(m, project.id, r.name);
          total.usage += h.usage;
          total.pending += h.pending;
        }
        totals.set(`${project.id}\u0000${r.name}`, total);
      }
    }
    return totals;
  }

  private entry(u: number, source: string, resource: string, totals: Map<string, { usage: bigint; pending: bigint }>): Record<string, bigint> {
    const h = this.holding(u, source, resource);
    const out: Record<string, bigint> = { usage: h.usage, limit: h.limit, pending: h.pending };
    if (this.shape === 'released') {
      const total = totals.get(`${source}\u0000${resource}`);
      if (total) {
        const limit = this.projects.find((p) => p.id === source)!.limits.get(resource)!;
        Object.assign(out, { project_limit: limit, project_usage: total.usage, project_pending: total.pending });
      } else {
        Object.assign(out, { project_limit: h.limit, project_usage: h.usage, project_pending: h.pending });
      }
    }
    return out;
  }

  private userQuotas(u: number, totals: Map<string, { usage: bigint; pending: bigint }>, component?: string): Record<string, Record<string, Record<string, bigint>>> {
    const out: Record<string, Record<string, Record<string, bigint>>> = {};
    for (const source of this.sourcesOf(u)) {
      const resources: Record<string, Record<string, bigint>> = {};
      for (const r of RESOURCES) if (!component || r.component === component) resources[r.name] = this.entry(u, source, r.name, totals);
      out[source] = resources;
    }
    return out;
  }

  private principal(req: SimRequest): { user?: number; component?: string } | undefined {
    const header = req.headers['x-auth-token'];
    const who = this.tokens.check(Array.isArray(header) ? header[0] : header);
    return who?.user !== undefined && this.deleted.has(who.user) ? undefined : who;
  }

  private routes(): void {
    const p = this.prefix;
    const s = this.server;
    s.route('GET', `${p}/resources`, () => ({
      body: Object.fromEntries(
        [...this.resources.values()].map((r) => [
          r.name,
          this.shape === 'released'
            ? { service: r.component, service_type: r.component === 'pithos' ? 'object-store' : r.component === 'cyclades' ? 'compute' : 'account', unit: r.unit, description: r.description, ui_visible: true, api_visible: true, allow_in_projects: true }
            : { unit: r.unit, description: r.description, service: r.component },
        ]),
      ),
    }));
    s.route('GET', `${p}/quotas`, (req) => {
      const who = this.principal(req);
      if (who?.user === undefined) return unauthorized(req);
      return json(this.userQuotas(who.user, this.projectTotals()));
    });
    s.route('GET', `${p}/service_quotas`, (req) => {
      const who = this.principal(req);
      if (!who?.component) return unauthorized(req);
      const filter = req.query.get('user')?.split(',').filter(Boolean);
      const out: Record<string, unknown> = {};
      const totals = this.projectTotals();
      this.users.forEach((user, u) => {
        if (this.deleted.has(u)) return;
        if (!filter || filter.includes(user.uuid)) out[user.uuid] = this.userQuotas(u, totals, who.component);
      });
      return json(out);
    });
    s.route('GET', `${p}/commissions`, (req) => {
      const who = this.principal(req);
      if (!who?.component) return unauthorized(req);
      return { body: [...this.commissions.values()].filter((c) => c.component === who.component).map((c) => c.serial) };
    });
    s.route('GET', `${p}/commissions/:serial`, (req) => {
      const who = this.principal(req);
      if (!who?.component) return unauthorized(req);
      const c = this.commissions.get(Number(req.params.serial));
      if (!c || c.component !== who.component) return { status: 404, body: astakosError(404, 'Commission not found') };
      return json({
        serial: c.serial,
        issue_time: '2013-04-08T10:19:15.0373',
        name: '',
        provisions: [{ holder: this.users[c.user]!.uuid, source: c.source, resource: c.resource, quantity: c.quantity }],
      });
    });
    s.route('POST', `${p}/commissions/:serial/action`, (req) => {
      const who = this.principal(req);
      if (!who?.component) return unauthorized(req);
      const c = this.commissions.get(Number(req.params.serial));
      if (!c || c.component !== who.component) return { status: 404, body: astakosError(404, 'Commission not found') };
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (!('accept' in body) && !('reject' in body)) return { status: 400, body: astakosError(400, 'Malformed request') };
      this.resolveCommission(c.serial, 'accept' in body);
      return { status: 200, body: '' };
    });
    if (this.shape === 'released') {
      s.route('POST', '/identity/v2.0/tokens', (req) => {
        const token = ((req.body as { auth?: { token?: { id?: unknown } } } | undefined)?.auth?.token?.id);
        if (typeof token !== 'string') return { status: 400, body: astakosError(400, 'Malformed request') };
        const who = this.tokens.check(token);
        if (who?.user === undefined) return { status: 401, body: astakosError(401, 'Invalid token') };
        const user = this.users[who.user]!;
        return {
          body: {
            access: {
              token: { id: token, expires: '2030-01-01T00:00:00.000000+00:00', tenant: { id: user.uuid, name: user.name } },
              serviceCatalog: [],
              user: { id: user.uuid, name: user.name, roles: [{ id: 1, name: 'default' }], roles_links: [] },
            },
          },
        };
      });
    }
  }
}

const TOKEN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('');

function key(user: number, source: string, resource: string): string {
  return `${user}\u0000${source}\u0000${resource}`;
}

const FAULTS: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  409: 'conflict',
  413: 'overLimit',
  429: 'overLimit',
  500: 'internalServerError',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

/** Synnefo's fault body: `{"<fault>": {"code", "message", "details"}}`. */
export function astakosError(status: number, message: string): Record<string, unknown> {
  const fault = FAULTS[status] ?? (status >= 500 ? 'internalServerError' : 'badRequest');
  return { [fault]: { code: status, message, details: '' } };
}

function unauthorized(req: SimRequest): SimResponse {
  return { status: 401, body: astakosError(401, req.headers['x-auth-token'] ? 'Invalid token' : 'No authentication token') };
}

/** JSON with BigInt values written as exact integer literals. */
function json(value: unknown): SimResponse {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `\u0000${v}` : v));
  return { raw: text.replace(/"\\u0000(-?\d+)"/g, '$1') };
}
