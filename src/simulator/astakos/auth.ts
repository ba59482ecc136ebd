import { createRng, pick } from '../rng.js';
import type { SimRequest, SimResponse, SimServer } from '../server.js';
import { TokenStore } from '../tokens.js';
import type { AstakosWorld } from './world.js';
import { astakosError } from './faults.js';

/** Who a token speaks for: a user (by index) or a component's service. */
export interface Principal {
  user?: number;
  component?: string;
}

const TOKEN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('');

/**
 * Astakos' tokens: one per user and one per component (service token), drawn
 * from the seed, sent as `X-Auth-Token`. A removed user's token is refused.
 */
export class AstakosTokens {
  private readonly store: TokenStore<Principal>;
  private readonly users: string[] = [];
  private readonly services = new Map<string, string>();

  constructor(
    private readonly world: AstakosWorld,
    seed: number,
    ttlSeconds: number,
  ) {
    this.store = new TokenStore(ttlSeconds);
    const rng = createRng(seed ^ 0x5eed);
    const randomToken = () => Array.from({ length: 30 }, () => pick(rng, TOKEN_CHARS)).join('');
    world.users.forEach((_, user) => {
      const token = randomToken();
      this.users.push(token);
      this.store.issue({ user }, undefined, token);
    });
    for (const component of world.components) {
      const token = randomToken();
      this.services.set(component, token);
      this.store.issue({ component }, undefined, token);
    }
  }

  userToken(user: number): string {
    const token = this.users[user];
    if (!token) throw new Error(`no user ${user}`);
    return token;
  }

  serviceToken(component: string): string {
    const token = this.services.get(component);
    if (!token) throw new Error(`no component ${component}`);
    return token;
  }

  /** Every token refused from now on (`{"unauthorized": ...}`), as after a token renewal. */
  revokeAll(): void {
    this.store.revokeAll();
  }

  /** The principal of a token, unless it is unknown, expired or its user was removed. */
  check(token: string | undefined): Principal | undefined {
    const who = this.store.check(token);
    return who?.user !== undefined && !this.world.isPresent(who.user) ? undefined : who;
  }

  principal(req: SimRequest): Principal | undefined {
    const header = req.headers['x-auth-token'];
    return this.check(Array.isArray(header) ? header[0] : header);
  }
}

export function unauthorized(req: SimRequest): SimResponse {
  return { status: 401, body: astakosError(401, req.headers['x-auth-token'] ? 'Invalid token' : 'No authentication token') };
}

/**
 * Released Synnefo's Keystone-like identity API beside the quota API:
 * `POST /identity/v2.0/tokens` with `{auth: {token: {id}}}` names the token's user.
 */
export function identityRoutes(server: SimServer, world: AstakosWorld, tokens: AstakosTokens): void {
  server.route('POST', '/identity/v2.0/tokens', (req) => {
    const token = (req.body as { auth?: { token?: { id?: unknown } } } | undefined)?.auth?.token?.id;
    if (typeof token !== 'string') return { status: 400, body: astakosError(400, 'Malformed request') };
    const who = tokens.check(token);
    if (who?.user === undefined) return { status: 401, body: astakosError(401, 'Invalid token') };
    const user = world.users[who.user]!;
    return {
      body: {
        access: {
          token: { id: token, expires: '2030-01-01T00:00:00.000000+00:00', tenant: { id: user.uuid, name: user.name } },
          serviceCatalog: [],
          user: { id: user.uuid, name: user.name, roles: [{ id: 1, name: 'default' }], roles_links: [] },
        },
      },
    };
  });
}
