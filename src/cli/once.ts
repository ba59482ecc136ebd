import type { Config } from '../config/load.js';
import { Scheduler } from '../core/scheduler.js';
import { SelfMetrics } from '../core/selfmetrics.js';
import { SnapshotStore, type TargetState } from '../core/snapshot.js';
import type { Logger } from '../log.js';
import { TargetSet } from '../targets.js';
import { version } from '../version.js';

export type OnceFormat = 'prom' | 'table';

export interface OnceOptions {
  config: Config;
  /** `kind/name` of the targets to run; empty runs them all. */
  select: readonly string[];
  format: OnceFormat;
  log: Logger;
}

/** A `--target` that names no configured target. */
export class UnknownTargetError extends Error {}

/**
 * `capacity-exporter once`: one cycle of each selected target, run as the
 * daemon runs it (same clients, retries and deadlines), then its exposition
 * or a table. `ok` only if every target succeeded.
 */
export async function runOnce(opts: OnceOptions): Promise<{ ok: boolean; output: string }> {
  const { config, log } = opts;
  const known = config.targets.map((t) => `${t.source.kind}/${t.config.name}`);
  const unknown = opts.select.filter((s) => !known.includes(s));
  if (unknown.length) throw new UnknownTargetError(`no target ${unknown.join(', ')}; the config has ${known.join(', ') || 'none'}`);
  const chosen = opts.select.length ? config.targets.filter((t) => opts.select.includes(`${t.source.kind}/${t.config.name}`)) : config.targets;

  const metrics = new SelfMetrics(version);
  const store = new SnapshotStore(metrics, log);
  const scheduler = new Scheduler({ store, metrics, log, startupJitterMs: 0 });
  const targets = new TargetSet({ store, scheduler, metrics, log, userAgent: `capacity-exporter/${version}` });
  try {
    await targets.apply(chosen, config.collection.maxStaleness);
    const states = store.targets();
    await Promise.all(states.map((s) => scheduler.runNow(s)));
    const ok = states.every((s) => s.last?.success === true);
    const output = opts.format === 'table' ? table(states) : (await Promise.all(store.cached().map((c) => c.plain()))).join('');
    return { ok, output };
  } finally {
    await targets.close();
  }
}

function table(states: readonly TargetState[]): string {
  const rows = [
    ['TARGET', 'RESULT', 'DURATION', 'SERIES', 'ERRORS'],
    ...states.map((s) => [
      s.id,
      s.last?.success ? 'ok' : 'failed',
      `${((s.last?.durationMs ?? 0) / 1000).toFixed(2)}s`,
      String(s.rendered.series),
      (s.last?.errors ?? []).join('; ').replace(/\s+/g, ' '),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
