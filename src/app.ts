import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/load.js';
import { HttpClient } from './core/http.js';
import { Scheduler, type ScheduledTarget } from './core/scheduler.js';
import { SelfMetrics } from './core/selfmetrics.js';
import { SnapshotStore } from './core/snapshot.js';
import { createLogger, type Logger } from './log.js';
import { buildServer } from './server.js';
import { version } from './version.js';

export interface ExporterOptions {
  config: Config;
  log?: Logger;
  /** Override the configured listen address; tests use 127.0.0.1 and port 0. */
  host?: string;
  port?: number;
  /** Start-up jitter override (tests want their first cycles at once). */
  startupJitterMs?: number;
}

export interface Exporter {
  /** Base URL the server listens on, e.g. http://127.0.0.1:10064 */
  url: string;
  store: SnapshotStore;
  metrics: SelfMetrics;
  /** Resolves once every target has finished its first cycle. */
  ready(): Promise<void>;
  /** Runs one cycle of a target now and resolves when its snapshot is swapped in and rendered. */
  runCycle(kind: string, name: string): Promise<void>;
  /** Stops accepting scrapes, cancels cycles in flight and closes every upstream pool. */
  close(): Promise<void>;
}

/** Wires config, collectors, scheduler, store and server together and starts them. */
export async function startExporter(opts: ExporterOptions): Promise<Exporter> {
  const { config } = opts;
  const log = opts.log ?? createLogger({ level: config.log.level, format: config.log.format });
  const metrics = new SelfMetrics(version);
  const store = new SnapshotStore(metrics, log);
  const clients: HttpClient[] = [];
  const scheduled: ScheduledTarget[] = [];

  for (const { source, config: target } of config.targets) {
    const kind = source.kind;
    const targetLog = log.child({ source: kind, target: target.name });
    const http = new HttpClient({
      source: kind,
      target: target.name,
      baseUrl: target.baseUrl || undefined,
      timeoutMs: target.timeout,
      retries: target.retries,
      maxResponseBytes: target.maxResponseBytes,
      concurrency: target.concurrency,
      requestsPerSecond: target.requestsPerSecond,
      ca: target.tls.caFile ? readFileSync(target.tls.caFile) : undefined,
      insecureSkipVerify: target.tls.insecureSkipVerify,
      metrics,
      log: targetLog,
      userAgent: `capacity-exporter/${version}`,
    });
    clients.push(http);
    metrics.registerTarget(kind, target.name, target.interval);
    const state = store.add(source, target, config.collection.maxStaleness);
    scheduled.push({ state, collector: source.create(target, { http, log: targetLog, tokens: metrics.tokenObserver(kind, target.name) }) });
  }

  const scheduler = new Scheduler(scheduled, {
    store,
    metrics,
    log,
    startupJitterMs: opts.startupJitterMs ?? config.collection.startupJitter,
  });
  const server = buildServer({ config: config.server, store, metrics, log, version });
  await server.listen({ host: opts.host ?? config.server.host, port: opts.port ?? config.server.port });
  const address = server.addresses()[0] as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host}:${address.port}`;
  log.info({ url, targets: scheduled.map((s) => s.state.id), version }, 'capacity-exporter listening');
  scheduler.start();

  let closing: Promise<void> | undefined;
  return {
    url,
    store,
    metrics,
    ready: () => scheduler.firstCyclesDone(),
    runCycle: async (kind, name) => {
      const state = store.get(kind, name);
      if (!state) throw new Error(`no target ${kind}/${name}`);
      await scheduler.runNow(state);
    },
    close: () =>
      (closing ??= (async () => {
        await server.close();
        await scheduler.stop();
        await Promise.allSettled(scheduled.map((s) => s.collector.close?.()));
        await Promise.allSettled(clients.map((c) => c.close()));
        log.info('capacity-exporter stopped');
      })()),
  };
}
