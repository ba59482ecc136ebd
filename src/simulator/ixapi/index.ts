import { createHmac, randomBytes } from 'node:crypto';
import { createRng, pick, rngUuid } from '../rng.js';
import { SimServer, type FaultOptions, type SimRequest, type SimResponse } from '../server.js';
import { bearer, TokenStore } from '../tokens.js';

/**
 * An IX-API v2 server (as an IXP such as Interxion runs it for cloud
 * services): both auth flows, network services walking their lifecycle,
 * their configs (one per handover) and the connections they ride on, with
 * RFC 7807 problem bodies. Read-only, like the exporter that talks to it.
 */

export interface IxapiSimOptions {
  seed?: number;
  /** Network services at start (default 8). The first one is always in `error`. */
  services?: number;
  /** Connections (default 4). The first one is allocated above 90 % of its limit. */
  connections?: number;
  /** Lifetime of access tokens of both flows (default 3600 s). */
  accessTtlSeconds?: number;
  /** Lifetime of refresh tokens of the key/secret flow (default 1 day). */
  refreshTtlSeconds?: number;
  /** Honour page_limit/page_offset (schema 2.7). Off: every list is one plain array, the filters ignored. */
  pagination?: boolean;
  /** With pagination: page size when the client sends no page_limit. Default: everything. */
  defaultPageSize?: number;
  /** What a service whose decommissioning finished becomes: gone from the API (404, default), or a final state. */
  decommissionedAs?: 'absent' | 'archived' | 'decommissioned';
  /** Replace every service that is gone by a newly requested one, so that a long demo keeps its variety. */
  respawn?: boolean;
  faults?: FaultOptions;
  now?: () => number;
}

export const IXAPI_STATES = [
  'requested',
  'allocated',
  'testing',
  'production',
  'production_change_pending',
  'decommission_requested',
  'decommissioned',
  'archived',
  'error',
  'operator',
  'scheduled',
] as const;

/** Marks the end of a decommissioning lifecycle: the service leaves the API. */
const GONE = 'gone';

/** The walks a service takes, one step per tick; the last step is kept. */
const LIFECYCLES: Record<string, string[]> = {
  provision: ['requested', 'allocated', 'testing', 'production'],
  scheduled: ['scheduled', 'requested', 'allocated', 'operator', 'testing', 'production'],
  fail: ['requested', 'allocated', 'testing', 'error'],
  change: ['production', 'production_change_pending', 'production_change_pending', 'production'],
  decommission: ['requested', 'allocated', 'testing', 'production', 'production', 'decommission_requested', GONE],
};
const LIFECYCLE_NAMES = Object.keys(LIFECYCLES);

interface Offering {
  id: string;
  type: string;
  cloud?: 'azure' | 'aws' | 'google' | 'oracle' | 'alibaba';
}

const OFFERINGS: Offering[] = [
  { id: 'ms-express-route.ms-london.AMS', type: 'cloud_vc', cloud: 'azure' },
  { id: 'aws-dx.eu-west-1.AMS', type: 'cloud_vc', cloud: 'aws' },
  { id: 'gcp-pi.europe-west3.FRA', type: 'cloud_vc', cloud: 'google' },
  { id: 'oracle-fc.eu-frankfurt-1.FRA', type: 'cloud_vc', cloud: 'oracle' },
  { id: 'alibaba-ec.eu-central-1.FRA', type: 'cloud_vc', cloud: 'alibaba' },
  { id: 'p2p.AMS-FRA.1G', type: 'p2p_vc' },
  { id: 'exchange-lan.AMS', type: 'exchange_lan' },
];

const POPS = ['pop-ams5-a', 'pop-ams7-b', 'pop-fra1-a', 'pop-lon2-b'];
const CONNECTION_SPEEDS = [10_000, 10_000, 1_000, 100_000, 10_000, 100_000];
/** Allocated share of the limit per connection; null: a connection without a limit. */
const ALLOCATION_RATIOS = [0.95, 0.14, 0.6, null, 0.88, 0.3];

export interface SimStatusMessage {
  severity: number;
  tag: string;
  message: string;
  attrs: Record<string, unknown>;
  timestamp: string;
}

/** A network service as the simulator holds it; tests may change any field between cycles. */
export interface SimNetworkService {
  id: string;
  type: string;
  state: string;
  productOffering: string;
  managingAccount: string;
  consumingAccount: string;
  billingAccount: string;
  externalRef: string | null;
  cloudKey: string | null;
  /** Mbit/s; null: the offering's maximum. */
  capacity: number | null;
  diversity: number;
  status: SimStatusMessage[];
  decommissionAt: string;
  chargedUntil: string;
  providerRef: string;
  lifecycle: string[];
  step: number;
}

export interface SimNetworkServiceConfig {
  id: string;
  type: string;
  networkService: string;
  connection: string;
  handover: number | null;
  cloudVlan: number | null;
  vlanConfig: Record<string, unknown>;
  /** Set: the config's own state; unset: it follows its service. */
  state?: string;
}

export interface SimConnection {
  id: string;
  name: string;
  state: string;
  mode: string;
  pop: string;
  /** Mbit/s. */
  speed: number | null;
  capacityAllocated: number;
  capacityAllocationLimit: number | null;
  productOffering: string;
}

export interface IxapiCredentials {
  clientId: string;
  clientSecret: string;
  apiKey: string;
  apiSecret: string;
}

export class IxapiSimulator {
  readonly server: SimServer;
  readonly credentials: IxapiCredentials;
  readonly services = new Map<string, SimNetworkService>();
  readonly configs = new Map<string, SimNetworkServiceConfig>();
  readonly connections = new Map<string, SimConnection>();
  /** Token requests answered, by flow. */
  readonly stats = { oauthTokens: 0, logins: 0, refreshes: 0, refused: 0 };
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  pagination: boolean;
  defaultPageSize?: number;
  private readonly opts: IxapiSimOptions;
  private readonly rng: () => number;
  private readonly now: () => number;
  private readonly signingKey: string;
  private readonly accessTokens: TokenStore<{ flow: string }>;
  private readonly refreshTokens: TokenStore<{ flow: string }>;
  private readonly usedRefreshTokens = new Set<string>();
  /** Every token handed out, newest last (bounded), for tests that scan output for them. */
  private readonly issued: string[] = [];
  private readonly accounts: string[];
  private clock?: NodeJS.Timeout;
  private serial = 0;

  constructor(opts: IxapiSimOptions = {}) {
    this.opts = opts;
    const seed = opts.seed ?? 1;
    this.rng = createRng(seed ^ 0x1a9e);
    this.now = opts.now ?? Date.now;
    this.accessTtlSeconds = opts.accessTtlSeconds ?? 3600;
    this.refreshTtlSeconds = opts.refreshTtlSeconds ?? 86_400;
    this.pagination = opts.pagination ?? false;
    this.defaultPageSize = opts.defaultPageSize;
    this.accessTokens = new TokenStore(this.accessTtlSeconds, this.now);
    this.refreshTokens = new TokenStore(this.refreshTtlSeconds, this.now);
    this.server = new SimServer({ seed, faults: opts.faults, errorBody: problem });
    this.credentials = {
      clientId: `ixapi-client-${this.alnum(8)}`,
      clientSecret: this.alnum(40),
      apiKey: this.alnum(24),
      apiSecret: this.alnum(48),
    };
    this.signingKey = this.alnum(32);
    this.accounts = Array.from({ length: 3 }, () => `A00${this.digits(5)}`);
    this.buildConnections(opts.connections ?? 4);
    const count = opts.services ?? 8;
    for (let i = 0; i < count; i++) this.addService(i);
    this.routes();
  }

  /** Starts the server; the API is under `<url>/api/v2`, the OAuth2 token endpoint at `<url>/connect/token`. */
  async listen(): Promise<string> {
    return this.server.listen();
  }

  get baseUrl(): string {
    return `${this.server.url}/api/v2`;
  }

  get tokenUrl(): string {
    return `${this.server.url}/connect/token`;
  }

  async close(): Promise<void> {
    this.stopClock();
    await this.server.close();
  }

  /** Moves every service one step along its lifecycle. */
  tick(steps = 1): void {
    for (let n = 0; n < steps; n++) {
      for (const s of [...this.services.values()]) this.advance(s);
    }
  }

  /** Advances the lifecycle by time (demo): one tick every `everyMs`. */
  startClock(everyMs: number): void {
    this.stopClock();
    this.clock = setInterval(() => this.tick(), everyMs);
    this.clock.unref();
  }

  stopClock(): void {
    if (this.clock) clearInterval(this.clock);
    this.clock = undefined;
  }

  /** Removes a service and its configs, as a finished decommissioning does. */
  removeService(id: string): void {
    this.services.delete(id);
    for (const [cid, c] of this.configs) if (c.networkService === id) this.configs.delete(cid);
  }

  /** Makes every access token invalid (a signing key rotation); refresh tokens stay valid. */
  revokeAccessTokens(): void {
    this.accessTokens.revokeAll();
  }

  revokeRefreshTokens(): void {
    this.refreshTokens.revokeAll();
  }

  /** Values that must never reach an exporter's output: credentials, cloud keys, tokens. */
  secrets(): string[] {
    const keys = [...this.services.values()].flatMap((s) => (s.cloudKey ? [s.cloudKey] : []));
    return [...Object.values(this.credentials), this.signingKey, ...keys, ...this.issued];
  }

  serviceJson(s: SimNetworkService): Record<string, unknown> {
    return {
      id: s.id,
      type: s.type,
      state: s.state,
      status: s.status,
      nsc_required_contact_roles: s.type === 'cloud_vc' ? ['implementation'] : [],
      product_offering: s.productOffering,
      decommission_at: s.decommissionAt,
      charged_until: s.chargedUntil,
      current_billing_start_date: '2024-03-01',
      managing_account: s.managingAccount,
      consuming_account: s.consumingAccount,
      external_ref: s.externalRef,
      purchase_order: `PO-${s.id.slice(0, 6)}`,
      contract_ref: null,
      billing_account: s.billingAccount,
      ...(s.type === 'cloud_vc' ? { cloud_key: s.cloudKey, provider_ref: s.providerRef } : {}),
      capacity: s.capacity,
      diversity: s.diversity,
    };
  }

  configJson(c: SimNetworkServiceConfig): Record<string, unknown> {
    const service = this.services.get(c.networkService);
    return {
      id: c.id,
      type: c.type,
      state: c.state ?? service?.state ?? 'decommissioned',
      status: [],
      managing_account: service?.managingAccount ?? this.accounts[0],
      consuming_account: service?.consumingAccount ?? this.accounts[0],
      billing_account: service?.billingAccount ?? this.accounts[0],
      external_ref: null,
      role_assignments: [],
      network_service: c.networkService,
      connection: c.connection,
      vlan_config: c.vlanConfig,
      ...(c.type === 'cloud_vc' ? { handover: c.handover, cloud_vlan: c.cloudVlan } : {}),
    };
  }

  connectionJson(c: SimConnection): Record<string, unknown> {
    return {
      id: c.id,
      name: c.name,
      state: c.state,
      mode: c.mode,
      pop: c.pop,
      speed: c.speed,
      capacity_allocated: c.capacityAllocated,
      capacity_allocation_limit: c.capacityAllocationLimit,
      outer_vlan_ethertypes: ['0x8100'],
      vlan_types: ['dot1q', 'qinq'],
      billing_account: this.accounts[0],
      consuming_account: this.accounts[0],
      managing_account: this.accounts[0],
      contract_ref: null,
      external_ref: null,
      port_quantity: 1,
      port_reservations: [c.id],
      ports: [c.id],
      product_offering: c.productOffering,
      role_assignments: [],
      status: [],
      subscriber_side_demarcs: [],
    };
  }

  // -- world ---------------------------------------------------------------

  private buildConnections(count: number): void {
    for (let i = 0; i < count; i++) {
      const id = `CANL-05${this.digits(4)}`;
      const speed = CONNECTION_SPEEDS[i % CONNECTION_SPEEDS.length]!;
      const ratio = ALLOCATION_RATIOS[i % ALLOCATION_RATIOS.length];
      this.connections.set(id, {
        id,
        name: i % 2 ? `cloud-access-${i}` : id,
        state: i === count - 1 && count > 2 ? 'testing' : 'production',
        mode: i % 3 === 2 ? 'lag_lacp' : 'standalone',
        pop: POPS[i % POPS.length]!,
        speed,
        capacityAllocated: ratio === null ? Math.round(speed * 0.4) : Math.round(speed * ratio),
        capacityAllocationLimit: ratio === null ? null : speed,
        productOffering: `503235.${POPS[i % POPS.length]!.slice(4).toUpperCase()}.E`,
      });
    }
  }

  /** Service `index` 0 is stuck in error for good; the others take the lifecycles in turn. */
  private addService(index: number, fresh = false): SimNetworkService {
    const stuckInError = index === 0 && !fresh;
    const lifecycleName = stuckInError ? 'fail' : LIFECYCLE_NAMES[(index - 1 + LIFECYCLE_NAMES.length) % LIFECYCLE_NAMES.length]!;
    const lifecycle = LIFECYCLES[lifecycleName]!;
    const offering = stuckInError ? OFFERINGS[0]! : OFFERINGS[index % OFFERINGS.length]!;
    // A fresh service starts at the beginning; the initial world is caught at every stage (never past GONE).
    const step = stuckInError ? lifecycle.length - 1 : fresh ? 0 : Math.floor(this.rng() * (lifecycle.length - 1));
    const managing = pick(this.rng, this.accounts);
    const service: SimNetworkService = {
      id: `ns-${rngUuid(this.rng)}`,
      type: offering.type,
      state: lifecycle[step]!,
      productOffering: offering.id,
      managingAccount: managing,
      consumingAccount: this.rng() < 0.5 ? managing : pick(this.rng, this.accounts),
      billingAccount: managing,
      externalRef: this.rng() < 0.3 ? null : `IX:Service:${this.digits(5)}`,
      cloudKey: offering.cloud ? this.cloudKey(offering.cloud) : null,
      capacity: offering.type === 'exchange_lan' ? null : offering.type === 'p2p_vc' ? 1000 : pick(this.rng, [50, 100, 200, 500, 1000, 2000, null]),
      diversity: offering.type === 'cloud_vc' ? (this.rng() < 0.5 ? 1 : 2) : 1,
      status: [],
      decommissionAt: '',
      chargedUntil: '',
      providerRef: rngUuid(this.rng),
      lifecycle,
      step,
    };
    this.services.set(service.id, service);
    this.enter(service, service.state);
    this.addConfigs(service);
    return service;
  }

  private addConfigs(s: SimNetworkService): void {
    const conns = [...this.connections.values()];
    if (conns.length === 0) return;
    const first = Math.floor(this.rng() * conns.length);
    const peerings = s.productOffering.startsWith('ms-express-route') ? 2 : 1;
    for (let handover = 1; handover <= s.diversity; handover++) {
      // Diverse handovers go to different connections (different pops where there are several).
      const conn = conns[(first + handover - 1) % conns.length]!;
      for (let peering = 0; peering < peerings; peering++) {
        const id = `nsc-${rngUuid(this.rng)}`;
        const vlan = 100 + Math.floor(this.rng() * 3900);
        this.configs.set(id, {
          id,
          type: s.type,
          networkService: s.id,
          connection: conn.id,
          handover: s.type === 'cloud_vc' ? handover : null,
          cloudVlan: peerings > 1 ? 400 + peering : null,
          vlanConfig: this.rng() < 0.7
            ? { vlan_type: 'dot1q', vlan, vlan_ethertype: '0x8100' }
            : { vlan_type: 'qinq', outer_vlan: vlan, outer_vlan_ethertype: '0x8100', inner_vlan: 33 },
        });
      }
    }
  }

  private advance(s: SimNetworkService): void {
    if (s.step >= s.lifecycle.length - 1) return;
    s.step += 1;
    const next = s.lifecycle[s.step]!;
    if (next !== GONE) {
      s.state = next;
      this.enter(s, next);
      return;
    }
    const as = this.opts.decommissionedAs ?? 'absent';
    if (as !== 'absent') {
      s.state = as;
      s.lifecycle = [as];
      s.step = 0;
      return;
    }
    this.removeService(s.id);
    if (this.opts.respawn) this.addService(++this.serial, true);
  }

  /** What a state change does to the service's other fields. */
  private enter(s: SimNetworkService, state: string): void {
    const now = this.now();
    const at = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
    const day = (offsetDays: number) => new Date(now + offsetDays * 86_400_000).toISOString().slice(0, 10);
    const msg = (severity: number, tag: string, message: string): SimStatusMessage => ({ severity, tag, message, attrs: {}, timestamp: at });
    switch (state) {
      case 'error':
        s.status = [
          msg(3, 'provisioning_failed', 'The cloud provider refused the connection request'),
          msg(4, 'cloud_key', 'The cloud key could not be validated'),
        ];
        break;
      case 'testing':
        s.status = [msg(5, 'testing', 'Handover is being tested')];
        break;
      case 'operator':
        s.status = [msg(6, 'operator', 'Waiting for an operator')];
        break;
      case 'production_change_pending':
        s.status = [msg(6, 'change', 'A capacity change is pending')];
        break;
      case 'decommission_requested':
        s.decommissionAt = day(0);
        s.chargedUntil = day(30);
        s.status = [msg(5, 'decommission', 'Decommissioning in progress')];
        break;
      default:
        s.status = [];
    }
  }

  private cloudKey(cloud: NonNullable<Offering['cloud']>): string {
    switch (cloud) {
      case 'aws':
        return this.digits(12);
      case 'alibaba':
        return this.digits(16);
      case 'azure':
        return rngUuid(this.rng);
      case 'google':
        return `${rngUuid(this.rng)}/europe-west3/${1 + Math.floor(this.rng() * 2)}`;
      case 'oracle':
        return `ocid1.virtualcircuit.oc1.eu-frankfurt-1.${this.alnum(60).toLowerCase()}`;
    }
  }

  private alnum(n: number): string {
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    return Array.from({ length: n }, () => chars[Math.floor(this.rng() * chars.length)]).join('');
  }

  private digits(n: number): string {
    return Array.from({ length: n }, (_, i) => String(Math.floor(this.rng() * (i === 0 ? 9 : 10)) + (i === 0 ? 1 : 0))).join('');
  }

  // -- auth ----------------------------------------------------------------

  private remember(token: string): void {
    this.issued.push(token);
    if (this.issued.length > 1000) this.issued.shift();
  }

  private jwt(kind: 'access' | 'refresh', ttlSeconds: number, store: TokenStore<{ flow: string }>): string {
    const now = this.now();
    const exp = Math.floor(now / 1000) + ttlSeconds;
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const body = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ sub: this.accounts[0], typ: kind, iat: Math.floor(now / 1000), exp, jti: randomBytes(9).toString('hex') })}`;
    const token = `${body}.${createHmac('sha256', this.signingKey).update(body).digest('base64url')}`;
    store.issue({ flow: 'key-secret' }, (exp * 1000 - now) / 1000, token);
    this.remember(token);
    return token;
  }

  private tokenPair(): SimResponse {
    return {
      status: 201,
      body: {
        access_token: this.jwt('access', this.accessTtlSeconds, this.accessTokens),
        refresh_token: this.jwt('refresh', this.refreshTtlSeconds, this.refreshTokens),
      },
    };
  }

  private authorised(req: SimRequest): boolean {
    return this.accessTokens.check(bearer(req.headers.authorization)) !== undefined;
  }

  // -- routes --------------------------------------------------------------

  private routes(): void {
    const sim = this.server;
    sim.route('POST', '/connect/token', (req) => {
      const form = (req.body ?? {}) as Record<string, string>;
      let id = form.client_id;
      let secret = form.client_secret;
      const basic = /^Basic\s+(.+)$/i.exec(String(req.headers.authorization ?? ''));
      if (basic) [id, secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':').map(decodeURIComponent);
      if (form.grant_type !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
      if (id !== this.credentials.clientId || secret !== this.credentials.clientSecret) {
        this.stats.refused += 1;
        return { status: 401, body: { error: 'invalid_client' } };
      }
      this.stats.oauthTokens += 1;
      const { token } = this.accessTokens.issue({ flow: 'oauth2' }, this.accessTtlSeconds);
      this.remember(token);
      return {
        body: { access_token: token, expires_in: this.accessTtlSeconds, token_type: 'Bearer', scope: 'resource.api resource.ixapi resource.productcatalogapi' },
      };
    });
    sim.route('POST', '/api/v2/auth/token', (req) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (body.api_key !== this.credentials.apiKey || body.api_secret !== this.credentials.apiSecret) {
        this.stats.refused += 1;
        return { status: 401, body: problem(401, 'The api_key and api_secret do not match') };
      }
      this.stats.logins += 1;
      return this.tokenPair();
    });
    sim.route('POST', '/api/v2/auth/refresh', (req) => {
      const token = (req.body as Record<string, unknown> | undefined)?.refresh_token;
      if (typeof token !== 'string' || this.usedRefreshTokens.has(token) || !this.refreshTokens.check(token)) {
        this.stats.refused += 1;
        return { status: 401, body: problem(401, 'The refresh token is invalid or expired') };
      }
      // Refresh tokens rotate: each one works once.
      this.usedRefreshTokens.add(token);
      this.stats.refreshes += 1;
      return this.tokenPair();
    });

    const list = <T>(items: () => T[], json: (it: T) => Record<string, unknown>, filters: string[]) => (req: SimRequest): SimResponse => {
      if (!this.authorised(req)) return { status: 401, body: problem(401, 'Authentication credentials were not provided or are expired') };
      const active = filters.flatMap((f) => {
        const wanted = req.query.get(f);
        return wanted === null ? [] : [{ f, values: new Set(wanted.split(',')) }];
      });
      // Without filters only the requested page is rendered: large worlds stay cheap to page through.
      if (active.length === 0) return this.page(req, items(), json);
      const out = items().map(json).filter((o) => active.every(({ f, values }) => values.has(String(o[f]))));
      return this.page(req, out, (o) => o);
    };
    const one = <T>(map: Map<string, T>, json: (it: T) => Record<string, unknown>, what: string) => (req: SimRequest): SimResponse => {
      if (!this.authorised(req)) return { status: 401, body: problem(401, 'Authentication credentials were not provided or are expired') };
      const it = map.get(req.params.id ?? '');
      return it ? { body: json(it) } : { status: 404, body: problem(404, `${what} ${req.params.id} does not exist`) };
    };
    sim.route('GET', '/api/v2/network-services', list(() => [...this.services.values()], (s) => this.serviceJson(s), ['id', 'type', 'state', 'managing_account', 'consuming_account', 'external_ref']));
    sim.route('GET', '/api/v2/network-services/:id', one(this.services, (s) => this.serviceJson(s), 'network service'));
    sim.route('GET', '/api/v2/network-service-configs', list(() => [...this.configs.values()], (c) => this.configJson(c), ['id', 'type', 'state', 'network_service', 'connection']));
    sim.route('GET', '/api/v2/network-service-configs/:id', one(this.configs, (c) => this.configJson(c), 'network service config'));
    sim.route('GET', '/api/v2/connections', list(() => [...this.connections.values()], (c) => this.connectionJson(c), ['id', 'state', 'mode', 'pop', 'name']));
    sim.route('GET', '/api/v2/connections/:id', one(this.connections, (c) => this.connectionJson(c), 'connection'));
  }

  private page<T>(req: SimRequest, items: T[], json: (it: T) => Record<string, unknown>): SimResponse {
    if (!this.pagination) return { body: items.map(json) };
    const limitParam = req.query.get('page_limit');
    const offsetParam = req.query.get('page_offset');
    const limit = limitParam === null ? this.defaultPageSize ?? items.length : Number(limitParam);
    const offset = offsetParam === null ? 0 : Number(offsetParam);
    if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0) {
      return { status: 400, body: problem(400, 'page_limit must be a positive integer and page_offset a non-negative integer') };
    }
    return { body: items.slice(offset, offset + limit).map(json) };
  }
}

const PROBLEM_TYPES: Record<number, [string, string]> = {
  400: ['validation-error', 'Validation Error'],
  401: ['authentication-error', 'Authentication Error'],
  403: ['permission-denied', 'Permission Denied'],
  404: ['not-found', 'Not Found'],
  429: ['too-many-requests', 'Too Many Requests'],
};

/** RFC 7807 problem details, with the error type URLs IX-API uses. */
export function problem(status: number, detail: string): Record<string, unknown> {
  const [slug, title] = PROBLEM_TYPES[status] ?? (status >= 500 ? ['server-error', 'Server Error'] : ['error', 'Error']);
  return { type: `https://errors.ix-api.net/v2/${slug}.html`, title, status, detail };
}
