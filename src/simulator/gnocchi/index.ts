import { SimServer, type FaultOptions } from '../server.js';
import { TokenCheck } from './auth.js';
import { serverErrorBody } from './errors.js';
import { KeystoneSimulator } from './keystone.js';
import type { GnocchiVersion } from './params.js';
import { aggregatesRoutes } from './routes.js';
import { DEFAULT_POLICY, type ArchivePolicy } from './model.js';
import { GnocchiWorld } from './world.js';

export type { ArchivePolicy, Instance } from './model.js';
export type { GnocchiVersion } from './params.js';

export interface GnocchiSimulatorOptions {
  seed?: number;
  projects?: number;
  /** Instances per project: [min, max]. */
  instancesPerProject?: [number, number];
  /** Share of instances deleted within the last two hours. */
  deletedRate?: number;
  /** Token lifetime of the Keystone simulator. */
  tokenTtlSeconds?: number;
  /** How long Gnocchi trusts a token it has validated (keystonemiddleware's token_cache_time, 300 s). */
  tokenCacheSeconds?: number;
  /**
   * 'legacy' is Gnocchi 4.4 as measured (Debian bookworm's 4.4.2): a search
   * that matches no metric is 400 `Metrics not found`, `fill` takes a number,
   * `null` or `dropna`. 'current' is 4.5 and later: 404 `Metric [...] does not
   * exist`, the forward and backward fills, and resources outside the window
   * left out of the search.
   */
  version?: GnocchiVersion;
  /** The archive policy of the instances' `vcpus` metrics. */
  archivePolicy?: ArchivePolicy;
  /** Catalog regions of the metric endpoint (each gets public and internal URLs pointing at this server). */
  regions?: string[];
  faults?: FaultOptions;
  now?: () => number;
}

/**
 * Gnocchi `POST /v1/aggregates` over `instance` resources of several
 * projects (world.ts), behind keystonemiddleware (auth.ts) and Keystone
 * (keystone.ts), answering as the real server does (routes.ts): its
 * validation order, error bodies and crashes, search syntax, archive
 * policies and cross-metric aggregation (aggregation.ts).
 */
export class GnocchiSimulator extends GnocchiWorld {
  readonly server: SimServer;
  version: GnocchiVersion;
  private readonly regions: string[];
  private readonly tokenCheck: TokenCheck;

  constructor(opts: GnocchiSimulatorOptions = {}) {
    const seed = opts.seed ?? 1;
    const now = opts.now ?? Date.now;
    super({
      seed,
      now,
      keystone: new KeystoneSimulator({ seed, tokenTtlSeconds: opts.tokenTtlSeconds, now }),
      projects: opts.projects ?? 3,
      instancesPerProject: opts.instancesPerProject ?? [2, 6],
      deletedRate: opts.deletedRate ?? 0.25,
      policy: opts.archivePolicy ?? DEFAULT_POLICY,
    });
    this.version = opts.version ?? 'current';
    this.regions = opts.regions ?? ['RegionOne'];
    this.server = new SimServer({ seed, faults: opts.faults, errorBody: serverErrorBody });
    this.tokenCheck = new TokenCheck(this.keystone, now, opts.tokenCacheSeconds ?? 300);
    aggregatesRoutes(this.server, {
      world: this,
      tokens: this.tokenCheck,
      version: () => this.version,
      now,
      advance: () => {
        this.advance();
      },
    });
  }

  async listen(): Promise<string> {
    await this.keystone.listen();
    const url = await this.server.listen();
    this.keystone.setEndpoints(
      'metric',
      'gnocchi',
      this.regions.flatMap((region) => [
        { interface: 'public' as const, region, url },
        { interface: 'internal' as const, region, url },
      ]),
    );
    return url;
  }

  get baseUrl(): string {
    return this.server.url;
  }

  async close(): Promise<void> {
    await Promise.all([this.server.close(), this.keystone.close()]);
  }

  /** Forgets the tokens Gnocchi has cached, as a restart of its API would: a revoked token is refused from then on. */
  forgetTokens(): void {
    this.tokenCheck.flush();
  }
}
