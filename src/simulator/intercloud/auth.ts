import { rngUuid } from '../rng.js';
import type { SimRequest, SimResponse } from '../server.js';
import { bearer, TokenStore } from '../tokens.js';
import { error } from './http.js';

export interface AuthOptions {
  /** Lifetime of tokens from POST /auth/token (the portal's is one hour). */
  tokenTtlSeconds?: number;
  personalAccessToken?: string;
  username?: string;
  password?: string;
  basicToken?: string;
}

/**
 * The portal's two ways in: a Personal Access Token used as the Bearer token,
 * and the password grant at POST /auth/token (Basic token, JSON body) that
 * hands out expiring tokens.
 */
export class IntercloudAuth {
  readonly tokens: TokenStore<{ userId: string }>;
  readonly personalAccessToken: string;
  readonly username: string;
  readonly password: string;
  readonly basicToken: string;
  readonly userId: string;

  /** Draws its secrets from `rng` first, so that a seed gives the same secrets and the same world. */
  constructor(rng: () => number, opts: AuthOptions = {}) {
    this.personalAccessToken = opts.personalAccessToken ?? `icpat_${rngUuid(rng).replace(/-/g, '')}`;
    this.username = opts.username ?? 'admin@parent.example';
    this.password = opts.password ?? 'titi tata toto';
    this.basicToken = opts.basicToken ?? Buffer.from(`exporter:${rngUuid(rng)}`).toString('base64');
    this.userId = rngUuid(rng);
    this.tokens = new TokenStore(opts.tokenTtlSeconds ?? 3600);
  }

  /** POST /auth/token. */
  token(req: SimRequest): SimResponse {
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

  /** Runs `handler` for a request with a valid PAT or unexpired token; 401 otherwise. */
  authed(req: SimRequest, handler: () => SimResponse): SimResponse {
    const token = bearer(req.headers.authorization);
    if (token === undefined || (token !== this.personalAccessToken && !this.tokens.check(token))) {
      return error(401, 'invalid or expired token');
    }
    return handler();
  }
}
