import type { HttpClient } from '../http.js';
import { asNumber, asObject, asString, optional } from '../shape.js';
import { CachedTokenProvider, type Token, type TokenProviderOptions } from './provider.js';

export interface OAuthTokenResponse {
  accessToken: string;
  refreshToken?: string;
  expiresIn?: number;
}

/** Reads an RFC 6749 token response: access_token, optional expires_in and refresh_token. */
export function parseOAuthTokenResponse(data: unknown): OAuthTokenResponse {
  const body = asObject(data, 'token response');
  return {
    accessToken: asString(body.access_token, 'token response.access_token'),
    refreshToken: optional(body.refresh_token, (v, p) => asString(v, p), 'token response.refresh_token'),
    expiresIn: optional(body.expires_in, (v, p) => asNumber(v, p), 'token response.expires_in'),
  };
}

export function bearerToken(res: OAuthTokenResponse, fetchedAt: number): Token {
  return {
    headers: { authorization: `Bearer ${res.accessToken}` },
    secrets: [res.accessToken, ...(res.refreshToken ? [res.refreshToken] : [])],
    expiresAt: res.expiresIn === undefined ? undefined : fetchedAt + res.expiresIn * 1000,
  };
}

export interface ClientCredentialsOptions extends TokenProviderOptions {
  http: HttpClient;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  /** `body` sends client_id/client_secret as form fields, `basic` as HTTP Basic. */
  clientAuth?: 'body' | 'basic';
}

/** OAuth2 client-credentials grant, form-encoded, as RFC 6749 section 4.4. */
export class ClientCredentialsProvider extends CachedTokenProvider {
  constructor(private readonly cc: ClientCredentialsOptions) {
    super(cc);
  }

  protected async fetchToken(): Promise<Token> {
    const form: Record<string, string> = { grant_type: 'client_credentials' };
    const headers: Record<string, string> = {};
    if (this.cc.clientAuth === 'basic') {
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(this.cc.clientId)}:${encodeURIComponent(this.cc.clientSecret)}`).toString('base64')}`;
    } else {
      form.client_id = this.cc.clientId;
      form.client_secret = this.cc.clientSecret;
    }
    if (this.cc.scope) form.scope = this.cc.scope;
    const fetchedAt = this.now();
    const res = await this.cc.http.request({
      method: 'POST',
      url: this.cc.tokenUrl,
      route: 'token',
      form,
      headers,
      queue: false,
    });
    return bearerToken(parseOAuthTokenResponse(res.data), fetchedAt);
  }
}
