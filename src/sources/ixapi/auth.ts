import { CachedTokenProvider, type AuthProvider, type Token, type TokenProviderOptions } from '../../core/auth/provider.js';
import { ClientCredentialsProvider } from '../../core/auth/oauth2.js';
import { HttpError, type HttpClient } from '../../core/http.js';
import type { AuthDeps } from '../../core/source.js';
import { asObject, asString, optional } from '../../core/shape.js';
import type { IxapiAuthConfig, IxapiTarget } from './config.js';

/** Unix time in ms from a JWT's `exp` claim; undefined if the token is not a JWT or has no `exp`. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' && Number.isFinite(payload.exp) ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export interface KeySecretOptions extends TokenProviderOptions {
  /** The target's client: the token routes are under its base URL. */
  http: HttpClient;
  apiKey: string;
  apiSecret: string;
}

/**
 * The IX-API v2 flow: `POST /auth/token {api_key, api_secret}` gives an access
 * and a refresh token (JWTs); `POST /auth/refresh {refresh_token}` renews them
 * without sending the secret again. Neither answer carries `expires_in`: the
 * expiry is the access token's `exp` claim.
 */
class KeySecretProvider extends CachedTokenProvider {
  private refreshToken?: { value: string; expiresAt?: number };

  constructor(private readonly ks: KeySecretOptions) {
    super(ks);
  }

  protected async fetchToken(): Promise<Token> {
    const refresh = this.refreshToken;
    // A refresh token about to expire would be refused on the way; log in again instead.
    if (refresh && (refresh.expiresAt === undefined || refresh.expiresAt > this.now() + 5_000)) {
      try {
        return await this.exchange('/auth/refresh', { refresh_token: refresh.value });
      } catch (err) {
        // Refused (revoked, expired early): the key and secret still work. Other errors would fail the login too.
        if (!(err instanceof HttpError && err.status >= 400 && err.status < 500)) throw err;
        this.refreshToken = undefined;
      }
    }
    return this.exchange('/auth/token', { api_key: this.ks.apiKey, api_secret: this.ks.apiSecret });
  }

  private async exchange(route: '/auth/token' | '/auth/refresh', json: Record<string, string>): Promise<Token> {
    const res = await this.ks.http.request({ method: 'POST', path: route, route, json, queue: false });
    const body = asObject(res.data, `${route} response`);
    const accessToken = asString(body.access_token, `${route} response.access_token`);
    const refreshToken = optional(body.refresh_token, (v, p) => asString(v, p), `${route} response.refresh_token`);
    // A refresh answer without a new refresh token leaves the current one usable.
    if (refreshToken) this.refreshToken = { value: refreshToken, expiresAt: jwtExpiry(refreshToken) };
    else if (route === '/auth/token') this.refreshToken = undefined;
    return {
      headers: { authorization: `Bearer ${accessToken}` },
      secrets: refreshToken ? [accessToken, refreshToken] : [accessToken],
      expiresAt: jwtExpiry(accessToken),
    };
  }
}

export type AuthFlow = 'oauth2' | 'key-secret';

/** Which flow a target's `auth` block asks for; undefined when it names none (config check reports it). */
export function authFlow(auth: IxapiAuthConfig): AuthFlow | undefined {
  if (auth.apiKey || auth.apiSecret) return 'key-secret';
  if (auth.tokenUrl || auth.clientId || auth.clientSecret) return 'oauth2';
  return undefined;
}

export function createAuth(target: IxapiTarget, deps: AuthDeps): AuthProvider {
  const { auth } = target;
  const common = { tokens: deps.tokens, http: deps.http };
  if (authFlow(auth) === 'key-secret') {
    return new KeySecretProvider({ ...common, apiKey: auth.apiKey, apiSecret: auth.apiSecret });
  }
  return new ClientCredentialsProvider({
    ...common,
    tokenUrl: auth.tokenUrl,
    clientId: auth.clientId,
    clientSecret: auth.clientSecret,
    scope: auth.scope || undefined,
    clientAuth: auth.clientAuth,
  });
}
