import { createHmac, randomBytes } from 'node:crypto';
import type { SimRequest, SimResponse, SimServer } from '../server.js';
import { bearer, TokenStore } from '../tokens.js';
import { problem } from './problem.js';
import { alnum } from './random.js';

export interface IxapiCredentials {
  clientId: string;
  clientSecret: string;
  apiKey: string;
  apiSecret: string;
}

export interface AuthOptions {
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  now: () => number;
  /** The account the key/secret flow's JWTs are issued to. */
  subject: () => string;
}

type Flow = { flow: 'oauth2' | 'key-secret' };

/**
 * Both ways in: OAuth2 client credentials at a separate token URL (form POST,
 * opaque token, `expires_in`), as the cloud service document shows, and the
 * v2 schema's own `POST /auth/token {api_key, api_secret}` giving an access
 * and a refresh token as JWTs, renewed by `POST /auth/refresh`. A refresh
 * token works once: each refresh hands out a new pair.
 */
export class IxapiAuth {
  readonly credentials: IxapiCredentials;
  /** Token requests answered, by flow. */
  readonly stats = { oauthTokens: 0, logins: 0, refreshes: 0, refused: 0 };
  private readonly signingKey: string;
  private readonly accessTokens: TokenStore<Flow>;
  private readonly refreshTokens: TokenStore<Flow>;
  private readonly usedRefreshTokens = new Set<string>();
  /** Every token handed out, newest last (bounded), for tests that scan output for them. */
  private readonly issued: string[] = [];

  constructor(
    rng: () => number,
    private readonly opts: AuthOptions,
  ) {
    this.credentials = { clientId: `ixapi-client-${alnum(rng, 8)}`, clientSecret: alnum(rng, 40), apiKey: alnum(rng, 24), apiSecret: alnum(rng, 48) };
    this.signingKey = alnum(rng, 32);
    this.accessTokens = new TokenStore(opts.accessTtlSeconds, opts.now);
    this.refreshTokens = new TokenStore(opts.refreshTtlSeconds, opts.now);
  }

  routes(server: SimServer): void {
    server.route('POST', '/connect/token', (req) => this.clientCredentials(req));
    server.route('POST', '/api/v2/auth/token', (req) => this.login(req));
    server.route('POST', '/api/v2/auth/refresh', (req) => this.refresh(req));
  }

  authorised(req: SimRequest): boolean {
    return this.accessTokens.check(bearer(req.headers.authorization)) !== undefined;
  }

  /** Makes every access token invalid (a signing key rotation); refresh tokens stay valid. */
  revokeAccessTokens(): void {
    this.accessTokens.revokeAll();
  }

  revokeRefreshTokens(): void {
    this.refreshTokens.revokeAll();
  }

  /** Credentials, the signing key and every token issued. */
  secrets(): string[] {
    const { clientId, clientSecret, apiKey, apiSecret } = this.credentials;
    return [clientId, clientSecret, apiKey, apiSecret, this.signingKey, ...this.issued];
  }

  private clientCredentials(req: SimRequest): SimResponse {
    const form = (req.body ?? {}) as Record<string, string>;
    let id = form.client_id;
    let secret = form.client_secret;
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (basic) [id, secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':').map(decodeURIComponent);
    if (form.grant_type !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
    if (id !== this.credentials.clientId || secret !== this.credentials.clientSecret) {
      this.stats.refused += 1;
      return { status: 401, body: { error: 'invalid_client' } };
    }
    this.stats.oauthTokens += 1;
    const { token } = this.accessTokens.issue({ flow: 'oauth2' }, this.opts.accessTtlSeconds);
    this.remember(token);
    return {
      body: {
        access_token: token,
        expires_in: this.opts.accessTtlSeconds,
        token_type: 'Bearer',
        scope: 'resource.api resource.ixapi resource.productcatalogapi',
      },
    };
  }

  private login(req: SimRequest): SimResponse {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.api_key !== this.credentials.apiKey || body.api_secret !== this.credentials.apiSecret) {
      this.stats.refused += 1;
      return { status: 401, body: problem(401, 'The api_key and api_secret do not match') };
    }
    this.stats.logins += 1;
    return this.tokenPair();
  }

  private refresh(req: SimRequest): SimResponse {
    const token = (req.body as Record<string, unknown> | undefined)?.refresh_token;
    if (typeof token !== 'string' || this.usedRefreshTokens.has(token) || !this.refreshTokens.check(token)) {
      this.stats.refused += 1;
      return { status: 401, body: problem(401, 'The refresh token is invalid or expired') };
    }
    this.usedRefreshTokens.add(token);
    this.stats.refreshes += 1;
    return this.tokenPair();
  }

  private tokenPair(): SimResponse {
    return {
      status: 201,
      body: {
        access_token: this.jwt('access', this.opts.accessTtlSeconds, this.accessTokens),
        refresh_token: this.jwt('refresh', this.opts.refreshTtlSeconds, this.refreshTokens),
      },
    };
  }

  private jwt(kind: 'access' | 'refresh', ttlSeconds: number, store: TokenStore<Flow>): string {
    const now = this.opts.now();
    const iat = Math.floor(now / 1000);
    const exp = iat + ttlSeconds;
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const claims = { sub: this.opts.subject(), typ: kind, iat, exp, jti: randomBytes(9).toString('hex') };
    const body = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}`;
    const token = `${body}.${createHmac('sha256', this.signingKey).update(body).digest('base64url')}`;
    store.issue({ flow: 'key-secret' }, (exp * 1000 - now) / 1000, token);
    this.remember(token);
    return token;
  }

  private remember(token: string): void {
    this.issued.push(token);
    if (this.issued.length > 1000) this.issued.shift();
  }
}
