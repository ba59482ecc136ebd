import type { ConfigSchema } from '../config/fields.js';
import type { Logger } from '../log.js';
import type { MetricFamily } from './family.js';
import type { HttpClient } from './http.js';
import type { CycleResult } from './series.js';

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

/** What every upstream request of a cycle carries: the cycle's abort signal and deadline. */
export interface RequestScope {
  /** Aborted at the cycle deadline and on shutdown. */
  signal: AbortSignal;
  /** Unix time in ms by which the cycle must end. */
  deadline: number;
}

export interface CycleContext extends RequestScope {
  /** The target's name: `new CycleResult(ctx)` renders each part for it as it comes. */
  target: string;
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

export type TokenOutcome = 'success' | 'failure';

/** Told of every token fetch; the exporter counts them in its own metrics. */
export type TokenObserver = (outcome: TokenOutcome) => void;

export interface AuthDeps {
  /** The target's client: its pool, retries and metrics; token requests bypass its queue. */
  http: HttpClient;
  tokens: TokenObserver;
}

export interface CollectorDeps<A> {
  /** The target's client: its pool, queue, retries and metrics; base URL = `baseUrl`. */
  http: HttpClient;
  log: Logger;
  /** What the source's `createAuth` made for this target. */
  auth: A;
}

/** A problem of one target's config: the key path inside the target, and the reason. */
export type Problem = [key: string, reason: string];

/**
 * A source kind, as its folder under `src/sources/` defines it. `C` is the
 * kind's validated target config, `A` what authenticates its requests (one
 * token provider, or several for a kind that reads with several tokens).
 */
export interface SourceDefinition<C extends TargetConfig, A> {
  /** The config key and the `source` label: `intercloud`, `gnocchi`, `astakos`, `ixapi`. */
  kind: string;
  /** convict schema of the keys this kind adds to the common ones: `auth` and its own settings. */
  schema: ConfigSchema;
  /** True if the kind can find its endpoint without `baseUrl` (e.g. from a service catalog). */
  optionalBaseUrl?: boolean;
  /** Defaults of common keys that differ for this kind. */
  defaults?: { interval?: string; concurrency?: number };
  /** Checks across keys after the schema passed. */
  check?(target: C): Problem[];
  /** Every metric family the target emits (names may depend on its config). */
  families(target: C): readonly MetricFamily[];
  createAuth(target: C, deps: AuthDeps): A;
  createCollector(target: C, deps: CollectorDeps<A>): Collector;
}

/** A source kind with its types erased, as the registry, the config loader and the exporter hold it. */
export interface Source {
  readonly kind: string;
  readonly schema: ConfigSchema;
  readonly optionalBaseUrl: boolean;
  readonly defaults: { interval?: string; concurrency?: number };
  check(target: TargetConfig): Problem[];
  families(target: TargetConfig): readonly MetricFamily[];
  /** The target's auth and collector, built together. */
  create(target: TargetConfig, deps: AuthDeps & { log: Logger }): Collector;
}

/**
 * Erases a source's config and auth types. The one narrowing of `TargetConfig`
 * to the kind's own config type is here: the config loader hands a source only
 * targets it validated against that source's schema.
 */
export function defineSource<C extends TargetConfig, A>(def: SourceDefinition<C, A>): Source {
  const own = (target: TargetConfig) => target as C;
  return {
    kind: def.kind,
    schema: def.schema,
    optionalBaseUrl: def.optionalBaseUrl ?? false,
    defaults: def.defaults ?? {},
    check: (target) => def.check?.(own(target)) ?? [],
    families: (target) => def.families(own(target)),
    create(target, deps) {
      const auth = def.createAuth(own(target), { http: deps.http, tokens: deps.tokens });
      return def.createCollector(own(target), { http: deps.http, log: deps.log, auth });
    },
  };
}
