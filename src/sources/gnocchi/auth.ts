import type { AuthProvider } from '../../core/auth/provider.js';
import { StaticTokenProvider } from '../../core/auth/static.js';
import type { AuthDeps, RequestScope } from '../../core/source.js';
import type { GnocchiTarget } from './config.js';
import { KeystoneProvider } from './keystone.js';

/** A token for Gnocchi, and where Gnocchi is: the configured baseUrl, or the Keystone catalog's metric endpoint. */
export interface GnocchiAuth {
  provider: AuthProvider;
  endpoint(scope: RequestScope): Promise<string>;
  /** The roles of the Keystone token in use; undefined for a static token, whose roles are unknown. */
  roles(): readonly string[] | undefined;
}

export function createAuth(target: GnocchiTarget, deps: AuthDeps): GnocchiAuth {
  const configured = () => Promise.resolve(target.baseUrl);
  if (target.auth.token) return { provider: new StaticTokenProvider(target.auth.token, 'x-auth-token', ''), endpoint: configured, roles: () => undefined };
  const provider = new KeystoneProvider({ tokens: deps.tokens, http: deps.http, keystone: target.auth.keystone, needCatalog: !target.baseUrl });
  return {
    provider,
    endpoint: target.baseUrl ? configured : (scope) => provider.endpoint({ signal: scope.signal }),
    roles: () => provider.roles,
  };
}
