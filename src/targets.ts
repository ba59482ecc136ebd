import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import type { ConfiguredTarget } from './config/load.js';
import { HttpClient } from './core/http.js';
import type { Scheduler } from './core/scheduler.js';
import type { SelfMetrics } from './core/selfmetrics.js';
import type { SnapshotStore, TargetState } from './core/snapshot.js';
import type { Collector, Source, TargetConfig } from './core/source.js';
import type { Logger } from './log.js';

/** One configured target at work: its client, its collector and its place in the store and the scheduler. */
interface Running {
  source: Source;
  config: TargetConfig;
  maxStalenessMs: number;
  state: TargetState;
  collector: Collector;
  http: HttpClient;
}

/** What applying a configuration did, by target id (`kind/name`). */
export interface TargetChanges {
  added: string[];
  restarted: string[];
  removed: string[];
  unchanged: string[];
}

export interface TargetSetDeps {
  store: SnapshotStore;
  scheduler: Scheduler;
  metrics: SelfMetrics;
  log: Logger;
  userAgent: string;
}

/**
 * The targets the exporter runs, brought in line with a configuration: at
 * start-up every target is new; at a reload a target whose settings (secrets
 * read from files included) are unchanged keeps its schedule and snapshot, a
 * changed one restarts with its series carried over until its first cycle, a
 * new one starts, and a removed one stops and its series vanish at once.
 */
export class TargetSet {
  private readonly running = new Map<string, Running>();

  constructor(private readonly deps: TargetSetDeps) {}

  async apply(targets: readonly ConfiguredTarget[], maxStalenessMs: number): Promise<TargetChanges> {
    const changes: TargetChanges = { added: [], restarted: [], removed: [], unchanged: [] };
    const wanted = new Map(targets.map((t) => [`${t.source.kind}/${t.config.name}`, t]));
    for (const [id, old] of this.running) {
      if (wanted.has(id)) continue;
      await this.stop(old);
      await this.deps.store.remove(old.state);
      await this.deps.metrics.forgetTarget(old.source.kind, old.config.name);
      this.running.delete(id);
      changes.removed.push(id);
    }
    for (const [id, { source, config }] of wanted) {
      const old = this.running.get(id);
      if (old && old.source === source && old.maxStalenessMs === maxStalenessMs && isDeepStrictEqual(old.config, config)) {
        changes.unchanged.push(id);
        continue;
      }
      if (old) await this.stop(old);
      this.running.set(id, this.start(source, config, maxStalenessMs, old?.state));
      (old ? changes.restarted : changes.added).push(id);
    }
    this.deps.store.reorder([...wanted.keys()].map((id) => this.running.get(id)!.state));
    return changes;
  }

  /** Stops every target: cycles in flight are cancelled, pools closed. */
  async close(): Promise<void> {
    await this.deps.scheduler.stop();
    await Promise.allSettled([...this.running.values()].map((r) => this.release(r)));
  }

  private start(source: Source, config: TargetConfig, maxStalenessMs: number, previous: TargetState | undefined): Running {
    const { store, scheduler, metrics, log, userAgent } = this.deps;
    const kind = source.kind;
    const targetLog = log.child({ source: kind, target: config.name });
    const http = new HttpClient({
      source: kind,
      target: config.name,
      baseUrl: config.baseUrl || undefined,
      timeoutMs: config.timeout,
      retries: config.retries,
      maxResponseBytes: config.maxResponseBytes,
      concurrency: config.concurrency,
      requestsPerSecond: config.requestsPerSecond,
      ca: config.tls.caFile ? readFileSync(config.tls.caFile) : undefined,
      insecureSkipVerify: config.tls.insecureSkipVerify,
      metrics,
      log: targetLog,
      userAgent,
    });
    const collector = source.create(config, { http, log: targetLog, tokens: metrics.tokenObserver(kind, config.name) });
    metrics.registerTarget(kind, config.name, config.interval);
    const state = store.add(source, config, maxStalenessMs, previous);
    scheduler.add({ state, collector });
    return { source, config, maxStalenessMs, state, collector, http };
  }

  private async stop(r: Running): Promise<void> {
    await this.deps.scheduler.remove(r.state);
    await this.release(r);
  }

  private async release(r: Running): Promise<void> {
    await Promise.allSettled([r.collector.close?.()]);
    await r.http.close();
  }
}
