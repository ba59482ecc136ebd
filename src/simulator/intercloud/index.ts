import { createRng } from '../rng.js';
import { SimServer, type FaultOptions } from '../server.js';
import type { TokenStore } from '../tokens.js';
import { IntercloudAuth, type AuthOptions } from './auth.js';
import type { WorldOptions } from './model.js';
import { serveRoutes } from './routes.js';
import { IntercloudWorld } from './world.js';

export { REGIONS } from './model.js';

export interface IntercloudSimOptions extends WorldOptions, AuthOptions {
  latencyMs?: number;
  faults?: FaultOptions;
}

/**
 * The InterCloud portal API as the seed document and UPSTREAMS.md describe
 * it: Personal Access Tokens and the password grant with expiring tokens, a
 * reseller tree walked through /organisations, groups listed per organisation
 * with the InterCloud-Scope header, and 5-minute used-capacity points in bit/s
 * per group and region. The world is the same for the same seed; tests change
 * it through the world's methods.
 */
export class IntercloudSimulator extends IntercloudWorld {
  readonly server: SimServer;
  readonly auth: IntercloudAuth;

  constructor(opts: IntercloudSimOptions = {}) {
    const seed = opts.seed ?? 1;
    const rng = createRng(seed);
    const auth = new IntercloudAuth(rng, opts);
    super(rng, opts);
    this.auth = auth;
    this.server = new SimServer({
      seed,
      faults: { ...opts.faults, latencyMs: opts.latencyMs ?? opts.faults?.latencyMs },
      errorBody: (status, message) => ({ code: status, message }),
    });
    serveRoutes(this.server, this, auth);
  }

  get tokens(): TokenStore<{ userId: string }> {
    return this.auth.tokens;
  }

  get personalAccessToken(): string {
    return this.auth.personalAccessToken;
  }

  get username(): string {
    return this.auth.username;
  }

  get password(): string {
    return this.auth.password;
  }

  get basicToken(): string {
    return this.auth.basicToken;
  }

  get userId(): string {
    return this.auth.userId;
  }

  listen(): Promise<string> {
    return this.server.listen();
  }

  get url(): string {
    return this.server.url;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** Invalidates every issued token at once, as a key rotation would; PATs stay valid. */
  expireTokens(): void {
    this.auth.tokens.revokeAll();
  }
}
