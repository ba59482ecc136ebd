import { randomBytes } from 'node:crypto';
import { SimServer, type FaultOptions, type SimRequest, type SimResponse } from '../server.js';
import { createRng, rngUuid } from '../rng.js';
import { TokenStore } from '../tokens.js';
import { keystoneAnswer, keystoneError, keystoneFailure, requiredProperty, UNAUTHORIZED, withImpliedRoles } from './keystone-answers.js';
import {
  DEFAULT_DOMAIN,
  tokenBody,
  type ApplicationCredential,
  type CatalogEndpoint,
  type KeystoneProject,
  type KeystoneUser,
  type TokenInfo,
} from './keystone-model.js';

export type { ApplicationCredential, CatalogEndpoint, KeystoneProject, KeystoneUser, TokenInfo } from './keystone-model.js';

export interface KeystoneSimulatorOptions {
  seed?: number;
  /** Lifetime of issued tokens. */
  tokenTtlSeconds?: number;
  faults?: FaultOptions;
  now?: () => number;
}

interface NameOrId {
  id?: unknown;
  name?: unknown;
  domain?: { id?: unknown; name?: unknown };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * Keystone v3 identity, as Keystone 22 answers: `POST /v3/auth/tokens` with
 * a password identity (scoped to a project, or unscoped) or an application
 * credential (scoped by itself); the token in `X-Subject-Token`, its expiry,
 * roles and service catalog in the body. `GET` and `DELETE` on the same path
 * validate and revoke a token.
 */
export class KeystoneSimulator {
  readonly server: SimServer;
  readonly tokens: TokenStore<TokenInfo>;
  readonly projects: KeystoneProject[] = [];
  readonly users: KeystoneUser[] = [];
  readonly applicationCredentials: ApplicationCredential[] = [];
  /** Service type -> name and endpoints. */
  readonly catalog = new Map<string, { name: string; id: string; endpoints: CatalogEndpoint[] }>();
  private readonly revoked = new Set<string>();
  private readonly rng: () => number;
  private readonly now: () => number;

  constructor(opts: KeystoneSimulatorOptions = {}) {
    this.rng = createRng((opts.seed ?? 1) ^ 0x6b657973);
    this.now = opts.now ?? Date.now;
    this.tokens = new TokenStore<TokenInfo>(opts.tokenTtlSeconds ?? 3600, this.now);
    this.server = new SimServer({ seed: opts.seed, faults: opts.faults, errorBody: keystoneError });
    this.server.route('POST', '/v3/auth/tokens', (req) => this.issue(req));
    this.server.route('GET', '/v3/auth/tokens', (req) => this.check(req));
    this.server.route('DELETE', '/v3/auth/tokens', (req) => this.revoke(req));
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

  addApplicationCredential(user: KeystoneUser, projectId: string, name = 'capacity-exporter'): ApplicationCredential {
    const cred = {
      id: rngUuid(this.rng).replace(/-/g, ''),
      name,
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

  /** The token's meaning if it is valid: unexpired and not revoked. */
  validate(token: string | undefined): TokenInfo | undefined {
    return token === undefined || this.revoked.has(token) ? undefined : this.tokens.check(token);
  }

  /** Issues a project-scoped token directly (for static-token targets). */
  issueFor(user: KeystoneUser, projectId: string, ttlSeconds?: number): string {
    return this.store({ userId: user.id, projectId, roles: withImpliedRoles(user.roles[projectId] ?? []), methods: ['password'] }, ttlSeconds).token;
  }

  /** Invalidates every token, as a Fernet key rotation would. */
  revokeAll(): void {
    this.tokens.revokeAll();
  }

  /** Invalidates one token, as `DELETE /v3/auth/tokens` does. */
  revokeToken(token: string): void {
    this.revoked.add(token);
  }

  private store(info: Omit<TokenInfo, 'expiresAt'>, ttlSeconds?: number): { token: string; info: TokenInfo } {
    const stored: TokenInfo = { ...info, expiresAt: 0 };
    const { token, expiresAt } = this.tokens.issue(stored, ttlSeconds);
    stored.expiresAt = expiresAt;
    return { token, info: stored };
  }

  private issue(req: SimRequest): SimResponse {
    const fail = (status: number, message: string, extra?: Record<string, unknown>) => keystoneFailure(status, message, this.url, extra);
    const auth = asRecord(asRecord(req.body)?.auth);
    if (!auth) return fail(400, requiredProperty('auth', ''));
    const identity = asRecord(auth.identity);
    if (!identity) return fail(400, requiredProperty('identity', "['properties']['auth']"));
    const methods = Array.isArray(identity.methods) ? identity.methods : [];
    let info: Omit<TokenInfo, 'expiresAt'>;
    if (methods.includes('application_credential')) {
      // Keystone refuses the scope before it looks the credential up.
      if (auth.scope !== undefined) {
        return fail(401, 'Error authenticating with application credential: Application credentials cannot request a scope.', { identity: {} });
      }
      const ac = asRecord(identity.application_credential) ?? {};
      const found = this.findCredential(ac);
      if (typeof found === 'string') return fail(found.startsWith('Expecting') ? 400 : 404, found);
      if (found.secret !== ac.secret) return fail(401, UNAUTHORIZED);
      info = {
        userId: found.userId,
        projectId: found.projectId,
        roles: withImpliedRoles(found.roles),
        methods: ['application_credential'],
        applicationCredentialId: found.id,
      };
    } else if (methods.includes('password')) {
      const u = (asRecord(asRecord(identity.password)?.user) ?? {}) as NameOrId & { password?: unknown };
      const user = this.users.find((x) => (u.id !== undefined ? x.id === u.id : x.name === u.name && this.inDomain(u.domain, x.domainId)));
      if (!user || user.password !== u.password) return fail(401, UNAUTHORIZED);
      if (auth.scope === undefined) {
        info = { userId: user.id, roles: [], methods: ['password'] };
      } else {
        const scope = asRecord(asRecord(auth.scope)?.project) as NameOrId | undefined;
        const project =
          scope && this.projects.find((p) => (scope.id !== undefined ? p.id === scope.id : p.name === scope.name && this.inDomain(scope.domain, p.domainId)));
        const roles = project ? user.roles[project.id] : undefined;
        if (!project || !roles?.length) return fail(401, UNAUTHORIZED);
        info = { userId: user.id, projectId: project.id, roles: withImpliedRoles(roles), methods: ['password'] };
      }
    } else {
      return fail(401, UNAUTHORIZED);
    }
    const { token, info: stored } = this.store(info);
    const body = { token: tokenBody(this, stored, !req.query.has('nocatalog'), this.now()) };
    return keystoneAnswer(201, body, this.url, { 'x-subject-token': token });
  }

  /** The application credential named in an identity, or why there is none. */
  private findCredential(ac: Record<string, unknown>): ApplicationCredential | string {
    if (ac.id !== undefined) {
      return (
        this.applicationCredentials.find((c) => c.id === ac.id) ??
        `Could not find Application Credential: ${typeof ac.id === 'string' ? ac.id : JSON.stringify(ac.id)}.`
      );
    }
    const user = asRecord(ac.user) as NameOrId | undefined;
    if (!user) {
      return 'Expecting to find user in application credential. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.';
    }
    const owner = this.users.find((x) => (user.id !== undefined ? x.id === user.id : x.name === user.name && this.inDomain(user.domain, x.domainId)));
    return (
      this.applicationCredentials.find((c) => c.userId === owner?.id && c.name === ac.name) ??
      `Could not find Application Credential: ${typeof ac.name === 'string' ? ac.name : JSON.stringify(ac.name)}.`
    );
  }

  private inDomain(domain: NameOrId['domain'], domainId: string): boolean {
    return domain?.id === domainId || (domain?.id === undefined && domain?.name === DEFAULT_DOMAIN.name);
  }

  private check(req: SimRequest): SimResponse {
    if (!this.validate(header(req, 'x-auth-token'))) return keystoneFailure(401, UNAUTHORIZED, this.url);
    const subject = header(req, 'x-subject-token');
    const info = this.validate(subject);
    if (!info || subject === undefined) return keystoneFailure(404, 'Failed to validate token', this.url);
    return keystoneAnswer(200, { token: tokenBody(this, info, !req.query.has('nocatalog'), this.now()) }, this.url, { 'x-subject-token': subject });
  }

  private revoke(req: SimRequest): SimResponse {
    if (!this.validate(header(req, 'x-auth-token'))) return keystoneFailure(401, UNAUTHORIZED, this.url);
    const subject = header(req, 'x-subject-token');
    if (subject === undefined || !this.validate(subject)) return keystoneFailure(404, 'Failed to validate token', this.url);
    this.revokeToken(subject);
    return keystoneAnswer(204, undefined, this.url);
  }
}

function header(req: SimRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
