import type { HttpClient } from '../http.js';
import { CachedTokenProvider, type Token, type TokenProviderOptions } from './provider.js';
import { bearerToken, parseOAuthTokenResponse } from './oauth2.js';

export interface PasswordGrantOptions extends TokenProviderOptions {
  http: HttpClient;
  tokenUrl: string;
  /** Route template for metrics, e.g. `/auth/token`. */
  route?: string;
  username: string;
  password: string;
  scope?: string;
  clientId?: string;
  clientSecret?: string;
  /** Extra request headers, e.g. InterCloud's `Authorization: Basic <basic_token>`. */
  headers?: Record<string, string>;
  /** RFC 6749 uses a form; some APIs (InterCloud) take the same fields as JSON. */
  bodyFormat?: 'form' | 'json';
}

/** OAuth2 resource-owner password grant (RFC 6749 section 4.3). */
export class PasswordGrantProvider extends CachedTokenProvider {
  constructor(private readonly pg: PasswordGrantOptions) {
    super(pg);
  }

  protected async fetchToken(): Promise<Token> {
    const fields: Record<string, string> = {
      grant_type: 'password',
      username: this.pg.username,
      password: this.pg.password,
    };
    if (this.pg.scope) fields.scope = this.pg.scope;
    if (this.pg.clientId) fields.client_id = this.pg.clientId;
    if (this.pg.clientSecret) fields.client_secret = this.pg.clientSecret;
    const fetchedAt = this.now();
    const res = await this.pg.http.request({
      method: 'POST',
      url: this.pg.tokenUrl,
      route: this.pg.route ?? 'token',
      headers: this.pg.headers,
      ...(this.pg.bodyFormat === 'json' ? { json: fields } : { form: fields }),
      queue: false,
    });
    return bearerToken(parseOAuthTokenResponse(res.data), fetchedAt);
  }
}
