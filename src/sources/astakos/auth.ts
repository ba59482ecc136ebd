import { StaticTokenProvider } from '../../core/auth/static.js';
import type { AstakosTarget } from './config.js';

/** Astakos reads with several tokens: a user's own, and one per component's service. */
export interface AstakosAuth {
  user?: StaticTokenProvider;
  services: StaticTokenProvider[];
}

export function createAuth(target: AstakosTarget): AstakosAuth {
  const { token, serviceTokens } = target.auth;
  return { user: token ? astakosToken(token) : undefined, services: serviceTokens.map((s) => astakosToken(s.token)) };
}

function astakosToken(token: string): StaticTokenProvider {
  return new StaticTokenProvider(token, 'x-auth-token', '');
}
