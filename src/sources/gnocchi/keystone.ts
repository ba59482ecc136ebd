import { CachedTokenProvider, type AuthContext, type Token, type TokenProviderOptions } from '../../core/auth/provider.js';
import type { HttpClient } from '../../core/http.js';
import { asArray, asObject, asString, optional, ShapeError } from '../../core/shape.js';
import { keystoneFlow, type KeystoneConfig } from './config.js';

const KEYSTONE_REFRESH_MARGIN_MS = 120_000;

export interface CatalogEndpoint {
  type: string;
  interface: string;
  region: string;
  url: string;
}

export interface KeystoneOptions extends TokenProviderOptions {
  http: HttpClient;
  keystone: KeystoneConfig;
  /** Ask for a token without the catalog (`?nocatalog`) when the endpoint is configured. */
  needCatalog: boolean;
}

/** `https://vhi:5000`, `https://vhi:5000/v3/` and `https://vhi/identity/v3` all name the same API. */
export function tokensUrl(url: string): string {
  const base = url.replace(/\/+$/, '');
  return `${/\/v3$/.test(base) ? base : `${base}/v3`}/auth/tokens`;
}

/** The body of `POST /v3/auth/tokens` for the configured identity. */
export function authBody(k: KeystoneConfig): unknown {
  if (keystoneFlow(k) === 'application_credential') {
    return {
      auth: {
        identity: { methods: ['application_credential'], application_credential: { id: k.applicationCredentialId, secret: k.applicationCredentialSecret } },
      },
    };
  }
  const userDomain = k.userDomainId ? { id: k.userDomainId } : { name: k.userDomain };
  const user = k.userId ? { id: k.userId, password: k.password } : { name: k.username, domain: userDomain, password: k.password };
  const projectDomain = k.projectDomainId ? { id: k.projectDomainId } : { name: k.projectDomain };
  const project = k.projectId ? { id: k.projectId } : { name: k.project, domain: projectDomain };
  return { auth: { identity: { methods: ['password'], password: { user } }, scope: { project } } };
}

/**
 * Keystone v3 tokens: the token is the `X-Subject-Token` header of the answer,
 * its expiry `token.expires_at` in the body, and the body's catalog tells
 * where Gnocchi (type `metric`) is. Refreshed 120 s before expiry and after a 401.
 */
export class KeystoneProvider extends CachedTokenProvider {
  private catalog: CatalogEndpoint[] = [];
  /** Role names of the current token (implied roles included, as Keystone lists them). */
  roles?: readonly string[];

  constructor(private readonly ks: KeystoneOptions) {
    super({ refreshMarginMs: KEYSTONE_REFRESH_MARGIN_MS, ...ks });
  }

  protected async fetchToken(): Promise<Token> {
    const res = await this.ks.http.request({
      method: 'POST',
      url: tokensUrl(this.ks.keystone.url),
      route: '/v3/auth/tokens',
      query: this.ks.needCatalog ? undefined : { nocatalog: '' },
      json: authBody(this.ks.keystone),
      queue: false,
    });
    const header = res.headers['x-subject-token'];
    const token = Array.isArray(header) ? header[0] : header;
    if (!token) throw new ShapeError('/v3/auth/tokens response header X-Subject-Token', 'a token', token);
    const body = asObject(asObject(res.data, '/v3/auth/tokens response').token, '/v3/auth/tokens response.token');
    const expires = asString(body.expires_at, 'token.expires_at');
    const expiresAt = Date.parse(expires);
    if (Number.isNaN(expiresAt)) throw new ShapeError('token.expires_at', 'an ISO 8601 time', expires);
    const catalog = optional(body.catalog, readCatalog, 'token.catalog');
    if (catalog) this.catalog = catalog;
    this.roles = optional(body.roles, readRoles, 'token.roles');
    return { headers: { 'x-auth-token': token }, secrets: [token], expiresAt };
  }

  /** The metric endpoint of the current token's catalog (fetching a token first if there is none). */
  async endpoint(ctx: AuthContext): Promise<string> {
    await this.headers(ctx);
    return pickEndpoint(this.catalog, 'metric', this.ks.keystone.interface, this.ks.keystone.region);
  }
}

function readRoles(value: unknown, path: string): string[] {
  return asArray(value, path).map((r, i) => asString(asObject(r, `${path}[${i}]`).name, `${path}[${i}].name`));
}

function readCatalog(value: unknown, path: string): CatalogEndpoint[] {
  const out: CatalogEndpoint[] = [];
  asArray(value, path).forEach((raw, i) => {
    const service = asObject(raw, `${path}[${i}]`);
    const type = asString(service.type, `${path}[${i}].type`);
    asArray(service.endpoints, `${path}[${i}].endpoints`).forEach((e, j) => {
      const p = `${path}[${i}].endpoints[${j}]`;
      const endpoint = asObject(e, p);
      const region = optional(endpoint.region_id ?? endpoint.region, asString, `${p}.region_id`) ?? '';
      out.push({ type, interface: asString(endpoint.interface, `${p}.interface`), region, url: asString(endpoint.url, `${p}.url`) });
    });
  });
  return out;
}

function pickEndpoint(catalog: CatalogEndpoint[], type: string, iface: string, region: string): string {
  const candidates = catalog.filter((e) => e.type === type && e.interface === iface && (!region || e.region === region));
  const regions = [...new Set(candidates.map((e) => e.region))];
  if (candidates.length === 0) {
    const offered = catalog.filter((e) => e.type === type).map((e) => `${e.interface}@${e.region || '-'}`);
    throw new Error(
      `the Keystone catalog has no ${type} endpoint with interface ${iface}${region ? ` in region ${region}` : ''}` +
        (offered.length ? ` (it has ${offered.join(', ')})` : ''),
    );
  }
  if (regions.length > 1) throw new Error(`the Keystone catalog has ${type} endpoints in several regions (${regions.join(', ')}): set auth.keystone.region`);
  return candidates[0]!.url;
}
