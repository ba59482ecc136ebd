import { isDeepStrictEqual } from 'node:util';
import { ConfigError, type Config, type ServerConfig } from './config/load.js';
import type { SelfMetrics } from './core/selfmetrics.js';
import type { Logger } from './log.js';
import { asksPassword, usersInOnePlace } from './server-auth.js';
import type { TargetChanges, TargetSet } from './targets.js';
import { WebConfigError, type WebConfig, type WebSecurity } from './web/index.js';

/** Reads the configuration again from where it came from (the file, the environment, the command line). */
export type ConfigLoader = () => Config;

export type ReloadOutcome = { ok: true; changes: TargetChanges; notApplied: string[] } | { ok: false; problems: string[] };

export interface ReloaderDeps {
  load: ConfigLoader;
  targets: TargetSet;
  metrics: SelfMetrics;
  log: Logger;
  /** The configuration running now. */
  current: Config;
  /** Takes the new `server.auth` at once. */
  setServerAuth(auth: ServerConfig['auth']): void;
  /** The --web.config.file, read again with the configuration and refused with it. */
  web?: {
    load(): WebConfig;
    security: Pick<WebSecurity, 'config' | 'tlsChanged' | 'update'>;
  };
}

/**
 * Config reloads, as Prometheus does them: the new file replaces the running
 * configuration only if it is valid as a whole; otherwise every problem is
 * logged, the old configuration keeps running and
 * capacity_exporter_config_last_reload_successful drops to 0. Reloads run one
 * at a time, in the order they were asked for.
 */
export class Reloader {
  private last: Promise<unknown> = Promise.resolve();
  private current: Config;

  constructor(private readonly deps: ReloaderDeps) {
    this.current = deps.current;
    deps.metrics.reloadSuccessful.set(1);
    deps.metrics.reloadSuccessTime.set(Date.now() / 1000);
  }

  reload(trigger: string): Promise<ReloadOutcome> {
    const run = this.last.then(() => this.run(trigger));
    this.last = run.catch(() => {});
    return run;
  }

  private async run(trigger: string): Promise<ReloadOutcome> {
    const { log, metrics, web } = this.deps;
    const problems: string[] = [];
    const next = read(() => this.deps.load(), problems);
    const nextWeb = web && read(() => web.load(), problems, 'web config: ');
    if (next) problems.push(...this.authProblems(next, nextWeb));
    if (!next || problems.length) return this.refuse(trigger, problems);
    const notApplied = restartOnly(this.current, next);
    let changes: TargetChanges;
    try {
      changes = await this.deps.targets.apply(next.targets, next.collection.maxStaleness);
    } catch (err) {
      return this.refuse(trigger, [`applying the targets failed: ${(err as Error).message}`]);
    }
    // After the targets, so that a failure above leaves the running auth as it was; no await between the two.
    if (web && nextWeb) web.security.update(nextWeb);
    this.deps.setServerAuth(next.server.auth);
    this.current = next;
    metrics.reloadSuccessful.set(1);
    metrics.reloadSuccessTime.set(Date.now() / 1000);
    log.info({ trigger, ...changes }, 'configuration reloaded');
    if (notApplied.length) log.warn({ keys: notApplied }, 'these settings changed but take effect only when the exporter restarts');
    return { ok: true, changes, notApplied };
  }

  private refuse(trigger: string, problems: string[]): ReloadOutcome {
    this.deps.metrics.reloadSuccessful.set(0);
    this.deps.log.error({ trigger, problems }, 'configuration reload failed; the previous configuration keeps running');
    return { ok: false, problems };
  }

  /**
   * What a reload must not do to the exporter's own endpoint: ask for users
   * in two places, change TLS settings that only a restart applies while
   * the old ones silently keep running, or leave it open where it asked for a
   * password (a file caught half-written would; removing authentication
   * takes a restart).
   */
  private authProblems(next: Config, nextWeb: WebConfig | undefined): string[] {
    const { web } = this.deps;
    const running = web?.security.config;
    const problems = usersInOnePlace(next.server.auth, (nextWeb ?? running)?.users.size ?? 0);
    if (web && nextWeb && web.security.tlsChanged(nextWeb)) {
      problems.push(
        'web config: tls_server_config: its settings apply only when the exporter starts (the certificate and key files themselves are followed); restart the exporter, or put the running settings back',
      );
    }
    if (asksPassword(this.current.server.auth, running) && !asksPassword(next.server.auth, nextWeb ?? running)) {
      problems.push('the new configuration asks for no password where the running one does; removing authentication takes a restart');
    }
    return problems;
  }
}

/** What `load` returns, or undefined with its problems added (prefixed). */
function read<T>(load: () => T, problems: string[], prefix = ''): T | undefined {
  try {
    return load();
  } catch (err) {
    const found = err instanceof ConfigError || err instanceof WebConfigError ? err.problems : [(err as Error).message];
    problems.push(...found.map((p) => prefix + p));
    return undefined;
  }
}

/** Settings a running exporter cannot change: its listening address, its logger, its first-cycle spread. */
function restartOnly(before: Config, after: Config): string[] {
  const keys: Array<[string, unknown, unknown]> = [
    ['server.host', before.server.host, after.server.host],
    ['server.port', before.server.port, after.server.port],
    ['log', before.log, after.log],
    ['collection.startupJitter', before.collection.startupJitter, after.collection.startupJitter],
  ];
  return keys.filter(([, a, b]) => !isDeepStrictEqual(a, b)).map(([key]) => key);
}
