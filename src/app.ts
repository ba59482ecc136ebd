import type { AddressInfo } from 'node:net';
import type { Config } from './config/load.js';
import { Scheduler } from './core/scheduler.js';
import { SelfMetrics } from './core/selfmetrics.js';
import { SnapshotStore } from './core/snapshot.js';
import { createLogger, type Logger } from './log.js';
import { Reloader, type ConfigLoader, type ReloadOutcome } from './reload.js';
import { buildServer } from './server.js';
import { ServerAuth } from './server-auth.js';
import { TargetSet } from './targets.js';
import { version } from './version.js';
import { loadWebConfig, type WebSecurity } from './web/index.js';

export interface ExporterOptions {
  config: Config;
  /** Reads the configuration again (SIGHUP, POST /-/reload); without it the exporter cannot reload. */
  reload?: ConfigLoader;
  /** The --web.config.file's TLS and users for the exporter's own endpoint. */
  web?: WebSecurity;
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
  /** Reads the configuration again and applies it; refused as a whole if it is invalid. */
  reload(trigger: string): Promise<ReloadOutcome>;
  /** Stops accepting scrapes, cancels cycles in flight and closes every upstream pool. */
  close(): Promise<void>;
}

/** Wires config, collectors, scheduler, store and server together and starts them. */
export async function startExporter(opts: ExporterOptions): Promise<Exporter> {
  const { config } = opts;
  const log = opts.log ?? createLogger({ level: config.log.level, format: config.log.format });
  const metrics = new SelfMetrics(version);
  const store = new SnapshotStore(metrics, log);
  const scheduler = new Scheduler({ store, metrics, log, startupJitterMs: opts.startupJitterMs ?? config.collection.startupJitter });
  const targets = new TargetSet({ store, scheduler, metrics, log, userAgent: `capacity-exporter/${version}` });
  await targets.apply(config.targets, config.collection.maxStaleness);

  const auth = new ServerAuth(config.server.auth);
  const load = opts.reload;
  const { web } = opts;
  const webFile = web?.config.file;
  const reloader =
    load &&
    new Reloader({
      load,
      targets,
      metrics,
      log,
      current: config,
      setServerAuth: (a) => auth.set(a),
      web: web && { load: () => (webFile ? loadWebConfig(webFile) : web.config), security: web },
    });
  const reload = async (trigger: string): Promise<ReloadOutcome> => {
    if (!reloader) return { ok: false, problems: ['this exporter was not started from a config file it could read again'] };
    web?.reloadCertificates();
    return reloader.reload(trigger);
  };

  const server = buildServer({ config: config.server, store, metrics, log, version, auth, web: opts.web, reload: reloader ? reload : undefined });
  await server.listen({ host: opts.host ?? config.server.host, port: opts.port ?? config.server.port });
  const address = server.addresses()[0] as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const scheme = opts.web?.https ? 'https' : 'http';
  const url = `${scheme}://${host === '0.0.0.0' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host}:${address.port}`;
  log.info({ url, targets: store.targets().map((s) => s.id), version }, 'capacity-exporter listening');
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
    reload,
    close: () =>
      (closing ??= (async () => {
        await server.close();
        await targets.close();
        log.info('capacity-exporter stopped');
      })()),
  };
}
