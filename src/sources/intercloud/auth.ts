import type { AuthProvider } from '../../core/auth/provider.js';
import { PasswordGrantProvider } from '../../core/auth/password.js';
import { StaticTokenProvider } from '../../core/auth/static.js';
import type { AuthDeps } from '../../core/source.js';
import type { IntercloudTarget } from './config.js';

/**
 * A Personal Access Token is the Bearer token itself; otherwise the password
 * grant at POST /auth/token, JSON body, with the Basic token InterCloud hands
 * out. Its tokens live an hour and are renewed before they run out.
 */
export function createAuth(target: IntercloudTarget, deps: AuthDeps): AuthProvider {
  const { auth } = target;
  if (auth.personalAccessToken) return new StaticTokenProvider(auth.personalAccessToken);
  return new PasswordGrantProvider({
    tokens: deps.tokens,
    http: deps.http,
    tokenUrl: `${target.baseUrl.replace(/\/+$/, '')}/auth/token`,
    route: '/auth/token',
    username: auth.username,
    password: auth.password,
    scope: auth.scope,
    headers: { authorization: `Basic ${auth.basicToken}` },
    bodyFormat: 'json',
  });
}
