import { randomBytes } from 'node:crypto';
import { SimServer, type FaultOptions, type SimRequest, type SimResponse } from '../server.js';
import { createRng, rngUuid } from '../rng.js';
import { TokenStore } from '../tokens.js';

export interface KeystoneProject {
  id: string;
  name: string;
  domainId: string;
}

export interface KeystoneUser {
  id: string;
  name: string;
  domainId: string;
  password: string;
  /** Role names per project id. */
  roles: Record<string, string[]>;
}

export interface ApplicationCredential {
  id: string;
  secret: string;
  userId: string;
  projectId: string;
  roles: string[];
}

/** What a token stands for; services ask `validate(token)` for it. */
export interface TokenInfo {
  userId: string;
  projectId: string;
  roles: string[];
  methods: string[];
  applicationCredentialId?: string;
}

export interface CatalogEndpoint {
  interface: 'public' | 'internal' | 'admin';
  region: string;
  url: string;
}

export interface KeystoneSimulatorOptions {
  seed?: number;
  /** Lifetime of issued tokens. */
  tokenTtlSeconds?: number;
  faults?: FaultOptions;
  now?: () => number;
}

const DEFAULT_DOMAIN = { id: 'default', name: 'Default' };
const TITLES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' };
const UNAUTHORIZED = 'The request you have made requires authentication.';

/** Keystone's error body: `{"error": {"code", "message", "title"}}`. */
export function keystoneError(status: number, message: string): unknown {
  return { error: { code: status, message, title: TITLES[status] ?? 'Error' } };
}

/** Keystone writes `expires_at` with microseconds: 2026-11-23T11:00:00.000000Z. */
function keystoneTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * Keystone v3 identity: `POST /v3/auth/tokens` with a password identity
 * scoped to a project, or an application credential (scoped by itself); the
 * token in `X-Subject-Token`, its expiry and the service catalog in the body.
 */
export class KeystoneSimulator {
  readonly server: SimServer;
  readonly tokens: TokenStore<TokenInfo>;
  readonly projects: KeystoneProject[] = [];
  readonly users: KeystoneUser[] = [];
  readonly applicationCredentials: ApplicationCredential[] = [];
  /** Service type -> name and endpoints. */
  readonly catalog = new Map<string, { name: string; id: string; endpoints: CatalogEndpoint[] }>();
  private readonly rng: () => number;
  private readonly now: () => number;

  constructor(opts: KeystoneSimulatorOptions = {}) {
    this.rng = createRng((opts.seed ?? 1) ^ 0x6b657973);
    this.now = opts.now ?? Date.now;
    this.tokens = new TokenStore<TokenInfo>(opts.tokenTtlSeconds ?? 3600, this.now);
    this.server = new SimServer({ seed: opts.seed, faults: opts.faults, errorBody: keystoneError });
    this.server.route('POST', '/v3/auth/tokens', (req) => this.issue(req));
  }

  async listen(): Promise<string> {
    return this.server.listen();
  }

  get url(): string {
    return this.server.url;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  addProject(name: string, id = rngUuid(this.rng).replace(/-/g, '')): KeystoneProject {
    const project = { id, name, domainId: DEFAULT_DOMAIN.id };
    this.projects.push(project);
    return project;
  }

  addUser(name: string, roles: Record<string, string[]>, password = randomBytes(12).toString('base64url')): KeystoneUser {
    const user = { id: rngUuid(this.rng).replace(/-/g, ''), name, domainId: DEFAULT_DOMAIN.id, password, roles };
    this.users.push(user);
    return user;
  }

  addApplicationCredential(user: KeystoneUser, projectId: string): ApplicationCredential {
    const cred = {
      id: rngUuid(this.rng).replace(/-/g, ''),
      secret: Array.from({ length: 32 }, () => Math.floor(this.rng() * 36).toString(36)).join(''),
      userId: user.id,
      projectId,
      roles: [...(user.roles[projectId] ?? [])],
    };
    this.applicationCredentials.push(cred);
    return cred;
  }

  /** Registers (or replaces) a service's endpoints in the catalog. */
  setEndpoints(type: string, name: string, endpoints: CatalogEndpoint[]): void {
    this.catalog.set(type, { name, id: rngUuid(this.rng).replace(/-/g, ''), endpoints });
  }

  /** The token's meaning if it is valid and unexpired. */
  validate(token: string | undefined): TokenInfo | undefined {
    return this.tokens.check(token);
  }

  /** Issues a token directly (for static-token targets). */
  issueFor(user: KeystoneUser, projectId: string, ttlSeconds?: number): string {
    return this.tokens.issue({ userId: user.id, projectId, roles: user.roles[projectId] ?? [], methods: ['password'] }, ttlSeconds).token;
  }

  /** Invalidates every token, as a Fernet key rotation or a revocation would. */
  revokeAll(): void {
    this.tokens.revokeAll();
  }

  private issue(req: SimRequest): SimResponse {
    const auth = (req.body as { auth?: { identity?: Record<string, unknown>; scope?: unknown } } | undefined)?.auth;
    const identity = auth?.identity as { methods?: unknown; password?: { user?: Record<string, unknown> }; application_credential?: Record<string, unknown> } | undefined;
    if (!identity || !Array.isArray(identity.methods)) {
      return { status: 400, body: keystoneError(400, 'Expecting to find identity in auth. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.') };
    }
    let info: TokenInfo | undefined;
    if (identity.methods.includes('application_credential')) {
      const ac = identity.application_credential ?? {};
      const cred = this.applicationCredentials.find((c) => c.id === ac.id);
      if (!cred || cred.secret !== ac.secret) return { status: 401, body: keystoneError(401, UNAUTHORIZED) };
      if (auth?.scope) return { status: 401, body: keystoneError(401, 'Application credentials cannot request a scope.') };
      info = { userId: cred.userId, projectId: cred.projectId, roles: cred.roles, methods: ['application_credential'], applicationCredentialId: cred.id };
    } else if (identity.methods.includes('password')) {
      const u = identity.password?.user ?? {};
      const domain = (u.domain ?? {}) as { id?: string; name?: string };
      const user = this.users.find((x) =>
        u.id ? x.id === u.id : x.name === u.name && (domain.id === x.domainId || domain.name === DEFAULT_DOMAIN.name),
      );
      if (!user || user.password !== u.password) return { status: 401, body: keystoneError(401, UNAUTHORIZED) };
      const scope = (auth?.scope as { project?: { id?: string; name?: string; domain?: { id?: string; name?: string } } } | undefined)?.project;
      if (!scope) return { status: 401, body: keystoneError(401, 'An unscoped token has no catalog: this simulator only scopes to projects.') };
      const project = this.projects.find((p) =>
        scope.id ? p.id === scope.id : p.name === scope.name && (scope.domain?.id === p.domainId || scope.domain?.name === DEFAULT_DOMAIN.name),
      );
      const roles = project ? user.roles[project.id] : undefined;
      if (!project || !roles?.length) return { status: 401, body: keystoneError(401, UNAUTHORIZED) };
      info = { userId: user.id, projectId: project.id, roles, methods: ['password'] };
    } else {
      return { status: 401, body: keystoneError(401, UNAUTHORIZED) };
    }
    const { token, expiresAt } = this.tokens.issue(info);
    const noCatalog = req.query.has('nocatalog');
    return { status: 201, headers: { 'x-subject-token': token }, body: { token: this.tokenBody(info, expiresAt, !noCatalog) } };
  }

  private tokenBody(info: TokenInfo, expiresAt: number, withCatalog: boolean): Record<string, unknown> {
    const user = this.users.find((u) => u.id === info.userId);
    const project = this.projects.find((p) => p.id === info.projectId);
    const body: Record<string, unknown> = {
      methods: info.methods,
      user: { domain: DEFAULT_DOMAIN, id: info.userId, name: user?.name ?? '', password_expires_at: null },
      audit_ids: [randomBytes(16).toString('base64url').slice(0, 22)],
      expires_at: keystoneTime(expiresAt),
      issued_at: keystoneTime(this.now()),
      project: { domain: DEFAULT_DOMAIN, id: info.projectId, name: project?.name ?? '' },
      is_domain: false,
      roles: info.roles.map((r) => ({ id: r, name: r })),
    };
    if (info.applicationCredentialId) body.application_credential = { id: info.applicationCredentialId, name: 'exporter', restricted: true };
    if (withCatalog) {
      body.catalog = [...this.catalog.entries()].map(([type, s]) => ({
        type,
        name: s.name,
        id: s.id,
        endpoints: s.endpoints.map((e, i) => ({ id: `${s.id.slice(0, 24)}${String(i).padStart(8, '0')}`, interface: e.interface, region: e.region, region_id: e.region, url: e.url })),
      }));
    }
    return body;
  }
}
