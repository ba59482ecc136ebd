import { createRng } from '../rng.js';
import { SimServer, type FaultOptions } from '../server.js';
import { IxapiAuth, type IxapiCredentials } from './auth.js';
import { problem } from './problem.js';
import { configJson, connectionJson, serviceJson } from './resources.js';
import { listRoutes, type Paging } from './routes.js';
import type { SimConnection, SimNetworkService, SimNetworkServiceConfig } from './records.js';
import { IxapiWorld } from './world.js';

export type { IxapiCredentials } from './auth.js';
export { IXAPI_STATES } from './catalogue.js';

export interface IxapiSimOptions {
  seed?: number;
  /** Network services at start (default 8). The first one is always in `error`. */
  services?: number;
  /** Connections (default 4). The first one is allocated above 90 % of its limit. */
  connections?: number;
  /** Lifetime of access tokens of both flows (default 3600 s). */
  accessTtlSeconds?: number;
  /** Lifetime of refresh tokens of the key/secret flow (default 1 day). */
  refreshTtlSeconds?: number;
  /** Honour page_limit/page_offset (schema 2.7). Off: every list is one plain array, the filters ignored. */
  pagination?: boolean;
  /** With pagination: page size when the client sends no page_limit. Default: everything. */
  defaultPageSize?: number;
  /** With pagination: the largest page answered, below what a client may ask for. */
  maxPageSize?: number;
  /** With pagination: 206 Partial Content while more results follow (default true, as schema 2.7 has it). */
  partialContent?: boolean;
  /** With pagination: a server that ignores page_offset and answers the first page again. */
  ignoreOffset?: boolean;
  /** Without pagination: refuse page_limit/page_offset with 400, as a server before 2.7 may. */
  rejectPaging?: boolean;
  /** What a service whose decommissioning finished becomes: gone from the API (404, default), or a final state. */
  decommissionedAs?: 'absent' | 'archived' | 'decommissioned';
  /** Replace every service that is gone by a newly requested one, so that a long demo keeps its variety. */
  respawn?: boolean;
  faults?: FaultOptions;
  /** The clock of token lifetimes (and of the world's dates unless `worldTime` is given). */
  now?: () => number;
  /**
   * Unix time in ms every date of the world is computed from (status message
   * timestamps, decommission dates) instead of the clock at each state
   * change: a world whose answers do not follow the wall clock.
   */
  worldTime?: number;
}

/**
 * An IX-API v2 server (as an IXP such as Interxion runs it for cloud
 * services): both auth flows, network services walking their lifecycle,
 * their configs (one per handover) and the connections they ride on, with
 * RFC 7807 problem bodies. Read-only, like the exporter that talks to it.
 */
export class IxapiSimulator {
  readonly server: SimServer;
  readonly credentials: IxapiCredentials;
  readonly services: Map<string, SimNetworkService>;
  readonly configs: Map<string, SimNetworkServiceConfig>;
  readonly connections: Map<string, SimConnection>;
  /** Token requests answered, by flow. */
  readonly stats: IxapiAuth['stats'];
  readonly paging: Paging;
  readonly world: IxapiWorld;
  private readonly auth: IxapiAuth;
  private clock?: NodeJS.Timeout;

  constructor(opts: IxapiSimOptions = {}) {
    const seed = opts.seed ?? 1;
    // One rng for credentials and world, drawn in this order: a seed gives the same of both.
    const rng = createRng(seed ^ 0x1a9e);
    const now = opts.now ?? Date.now;
    const worldTime = opts.worldTime;
    this.auth = new IxapiAuth(rng, {
      accessTtlSeconds: opts.accessTtlSeconds ?? 3600,
      refreshTtlSeconds: opts.refreshTtlSeconds ?? 86_400,
      now,
      subject: () => this.world.accounts[0]!,
    });
    this.world = new IxapiWorld(rng, {
      services: opts.services ?? 8,
      connections: opts.connections ?? 4,
      decommissionedAs: opts.decommissionedAs ?? 'absent',
      respawn: opts.respawn ?? false,
      clock: worldTime === undefined ? now : () => worldTime,
    });
    this.credentials = this.auth.credentials;
    this.stats = this.auth.stats;
    this.services = this.world.services;
    this.configs = this.world.configs;
    this.connections = this.world.connections;
    this.paging = {
      enabled: opts.pagination ?? false,
      defaultPageSize: opts.defaultPageSize,
      maxPageSize: opts.maxPageSize,
      partialContent: opts.partialContent ?? true,
      ignoreOffset: opts.ignoreOffset ?? false,
      rejectPaging: opts.rejectPaging ?? false,
    };
    this.server = new SimServer({ seed, faults: opts.faults, errorBody: problem });
    this.auth.routes(this.server);
    listRoutes(this.server, this.world, this.auth, this.paging);
  }

  /** Starts the server; the API is under `<url>/api/v2`, the OAuth2 token endpoint at `<url>/connect/token`. */
  async listen(): Promise<string> {
    return this.server.listen();
  }

  get baseUrl(): string {
    return `${this.server.url}/api/v2`;
  }

  get tokenUrl(): string {
    return `${this.server.url}/connect/token`;
  }

  async close(): Promise<void> {
    this.stopClock();
    await this.server.close();
  }

  /** Moves every service one step along its lifecycle. */
  tick(steps = 1): void {
    for (let n = 0; n < steps; n++) this.world.tick();
  }

  /** Advances the lifecycle by time (demo): one tick every `everyMs`. */
  startClock(everyMs: number): void {
    this.stopClock();
    this.clock = setInterval(() => this.tick(), everyMs);
    this.clock.unref();
  }

  stopClock(): void {
    if (this.clock) clearInterval(this.clock);
    this.clock = undefined;
  }

  /** Removes a service and its configs, as a finished decommissioning does. */
  removeService(id: string): void {
    this.world.removeService(id);
  }

  /** Makes every access token invalid (a signing key rotation); refresh tokens stay valid. */
  revokeAccessTokens(): void {
    this.auth.revokeAccessTokens();
  }

  revokeRefreshTokens(): void {
    this.auth.revokeRefreshTokens();
  }

  /** Values that must never reach an exporter's output: credentials, cloud keys, tokens. */
  secrets(): string[] {
    const keys = [...this.services.values()].flatMap((s) => (s.cloudKey ? [s.cloudKey] : []));
    return [...this.auth.secrets(), ...keys];
  }

  serviceJson(s: SimNetworkService): Record<string, unknown> {
    return serviceJson(s);
  }

  configJson(c: SimNetworkServiceConfig): Record<string, unknown> {
    return configJson(this.world, c);
  }

  connectionJson(c: SimConnection): Record<string, unknown> {
    return connectionJson(this.world, c);
  }
}
