import { SimServer, type FaultOptions } from '../server.js';
import { AstakosTokens, identityRoutes } from './auth.js';
import { astakosError } from './faults.js';
import { quotaRoutes } from './routes.js';
import type { AstakosShape } from './model.js';
import { AstakosWorld } from './world.js';

export { UNLIMITED } from './model.js';
export type { AstakosShape } from './model.js';

export interface AstakosSimulatorOptions {
  seed?: number;
  /**
   * `released` (Synnefo with projects as resource pools): served at `/account/v1.0`, sources are bare
   * project uuids (a user's own project has the user's uuid), entries carry
   * `project_limit/usage/pending`, `/service_project_quotas` exists and
   * `/identity/v2.0/tokens` names a token's user. `seed` (the early draft API
   * document): served at `/astakos/api`, sources `system` and `project:<n>`,
   * no project figures, no identity service.
   */
  shape?: AstakosShape;
  /** Number of users (at least 2). */
  users?: number;
  /** Shared projects besides each user's own. */
  projects?: number;
  /** Whether `?user=` / `?project=` take comma-separated lists (default, current Synnefo) or one uuid (older releases). */
  listFilters?: boolean;
  faults?: FaultOptions;
  /** Lifetime of every token (Astakos' default is 30 days). */
  tokenTtlSeconds?: number;
}

/** Synnefo Astakos' quota API over loopback HTTP: a seeded world (world.ts), its tokens (auth.ts) and handlers (routes.ts). */
export class AstakosSimulator extends AstakosWorld {
  readonly server: SimServer;
  private readonly tokens: AstakosTokens;

  constructor(opts: AstakosSimulatorOptions = {}) {
    const seed = opts.seed ?? 1;
    super({ seed, shape: opts.shape ?? 'released', users: opts.users ?? 4, projects: opts.projects ?? 2 });
    this.server = new SimServer({ seed, faults: opts.faults, errorBody: astakosError });
    this.tokens = new AstakosTokens(this, seed, opts.tokenTtlSeconds ?? 30 * 86_400);
    quotaRoutes(this.server, this, this.tokens, { prefix: this.prefix, listFilters: opts.listFilters ?? true });
    if (this.shape === 'released') identityRoutes(this.server, this, this.tokens);
  }

  async listen(): Promise<string> {
    await this.server.listen();
    return this.baseUrl;
  }

  /** The quota API base to configure as `baseUrl`. */
  get baseUrl(): string {
    return `${this.server.url}${this.prefix}`;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  userToken(user: number): string {
    return this.tokens.userToken(user);
  }

  serviceToken(component: string): string {
    return this.tokens.serviceToken(component);
  }

  /** Every token refused from now on (`{"unauthorized": ...}`), as after a token renewal. */
  revokeTokens(): void {
    this.tokens.revokeAll();
  }

  private get prefix(): string {
    return this.shape === 'released' ? '/account/v1.0' : '/astakos/api';
  }
}
