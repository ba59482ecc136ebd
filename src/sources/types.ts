import type { ConfigSchema } from '../config/fields.js';
import type { Logger } from '../log.js';
import type { HttpClient } from '../core/http.js';
import type { SelfMetrics } from '../core/selfmetrics.js';
import type { CycleResult, MetricFamily } from '../core/series.js';
import type { FaultOptions } from '../simulator/server.js';

/** The keys every target of every kind has, after validation (durations in ms). */
export interface TargetConfig {
  name: string;
  baseUrl: string;
  interval: number;
  /** Timeout of each upstream request attempt (connect, headers, body). */
  timeout: number;
  /** Deadline of a whole cycle; 0 means the interval. */
  cycleTimeout: number;
  concurrency: number;
  requestsPerSecond: number;
  retries: number;
  maxResponseBytes: number;
  tls: { caFile: string; insecureSkipVerify: boolean };
  /** Each source kind defines its own auth block; secrets from `xFile` keys are already read in. */
  auth: Record<string, unknown>;
}

export interface CycleContext {
  /** The target's name: pass the context to `new CycleResult(ctx)` so parts are rendered as they come. */
  target?: string;
  /** Aborted at the cycle deadline and on shutdown. */
  signal: AbortSignal;
  /** Unix time in ms by which the cycle must end. */
  deadline: number;
  /** Unix time in ms at which the cycle started: the end of every query window. */
  startedAt: number;
  log: Logger;
}

export interface Collector {
  /**
   * One cycle. Errors of a sub-request go into the result (`CycleResult.part`);
   * a thrown error fails the whole cycle and keeps every previous series under
   * the staleness rule.
   */
  collect(ctx: CycleContext): Promise<CycleResult>;
  close?(): Promise<void>;
}

export interface SourceDeps {
  /** The target's client: its pool, queue, retries and metrics; base URL = `baseUrl`. */
  http: HttpClient;
  log: Logger;
  metrics: SelfMetrics;
}

export interface DemoOptions {
  seed: number;
  log: Logger;
  /** Faults every simulator injects (`npm run demo -- --latency-ms 200 --error-rate 0.05`). */
  faults?: FaultOptions;
}

export interface DemoSetup {
  /** One target's config as a user would write it (raw JSON, validated like any config). */
  target: Record<string, unknown>;
  close(): Promise<void>;
}

export interface SourceDefinition<C extends TargetConfig = TargetConfig> {
  /** The config key and the `source` label: `intercloud`, `gnocchi`, `astakos`, `ixapi`. */
  kind: string;
  /** convict schema of the keys this kind adds to the common ones: `auth` and its own settings. */
  schema: ConfigSchema;
  /** True if the kind can find its endpoint without `baseUrl` (e.g. from a service catalog). */
  optionalBaseUrl?: boolean;
  /** Defaults of common keys that differ for this kind. */
  defaults?: { interval?: string; concurrency?: number };
  /** Checks across keys after the schema passed; each problem as [key path inside the target, reason]. */
  check?(target: C): Array<[string, string]>;
  /** HELP and TYPE of every metric the target emits (names may depend on its config). */
  families(target: C): MetricFamily[];
  create(target: C, deps: SourceDeps): Collector;
  /** Starts this kind's simulator for `npm run demo`. */
  demo?(opts: DemoOptions): Promise<DemoSetup>;
}
