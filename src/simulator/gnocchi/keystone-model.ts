import { randomBytes } from 'node:crypto';
import { keystoneTime, roleId } from './keystone-answers.js';

export const DEFAULT_DOMAIN = { id: 'default', name: 'Default' };

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
  /** Role names assigned per project id (implied roles come with them in tokens). */
  roles: Record<string, string[]>;
}

export interface ApplicationCredential {
  id: string;
  name: string;
  secret: string;
  userId: string;
  projectId: string;
  roles: string[];
}

/** What a token stands for; services ask `validate(token)` for it. */
export interface TokenInfo {
  userId: string;
  /** Undefined for an unscoped token. */
  projectId?: string;
  /** Implied roles included. */
  roles: string[];
  methods: string[];
  applicationCredentialId?: string;
  /** Unix ms. */
  expiresAt: number;
}

export interface CatalogEndpoint {
  interface: 'public' | 'internal' | 'admin';
  region: string;
  url: string;
}

/** What a token body is made from: Keystone's users, projects, credentials and catalog. */
export interface Directory {
  readonly users: readonly KeystoneUser[];
  readonly projects: readonly KeystoneProject[];
  readonly applicationCredentials: readonly ApplicationCredential[];
  readonly catalog: ReadonlyMap<string, { name: string; id: string; endpoints: CatalogEndpoint[] }>;
}

/** The `token` of Keystone 22's answer: an unscoped token has no project, roles or catalog. */
export function tokenBody(dir: Directory, info: TokenInfo, withCatalog: boolean, now: number): Record<string, unknown> {
  const user = dir.users.find((u) => u.id === info.userId);
  const body: Record<string, unknown> = {
    methods: info.methods,
    user: { domain: DEFAULT_DOMAIN, id: info.userId, name: user?.name ?? '', password_expires_at: null },
    audit_ids: [randomBytes(16).toString('base64url').slice(0, 22)],
    expires_at: keystoneTime(info.expiresAt),
    issued_at: keystoneTime(now),
  };
  if (info.projectId === undefined) return body;
  const project = dir.projects.find((p) => p.id === info.projectId);
  body.project = { domain: DEFAULT_DOMAIN, id: info.projectId, name: project?.name ?? '' };
  body.is_domain = false;
  body.roles = info.roles.map((name) => ({ id: roleId(name), name }));
  if (withCatalog) {
    body.catalog = [...dir.catalog.entries()].map(([type, s]) => ({
      endpoints: s.endpoints.map((e, i) => ({
        id: `${s.id.slice(0, 24)}${String(i).padStart(8, '0')}`,
        interface: e.interface,
        region_id: e.region,
        url: e.url,
        region: e.region,
      })),
      id: s.id,
      type,
      name: s.name,
    }));
  }
  if (info.applicationCredentialId !== undefined) {
    const cred = dir.applicationCredentials.find((c) => c.id === info.applicationCredentialId);
    body.application_credential = { id: info.applicationCredentialId, name: cred?.name ?? '', restricted: true };
  }
  return body;
}
