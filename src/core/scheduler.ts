import { setMaxListeners } from 'node:events';
import type { Logger } from '../log.js';
import type { SelfMetrics } from './selfmetrics.js';
import { toError, type CycleResult } from './series.js';
import type { Collector } from './source.js';
import type { CycleOutcome, SnapshotStore, TargetState } from './snapshot.js';

/** A collector that ignores its abort signal still loses its cycle this long after the deadline. */
const ABORT_GRACE_MS = 1000;

export interface ScheduledTarget {
  state: TargetState;
  collector: Collector;
}

interface Loop extends ScheduledTarget {
  timer?: NodeJS.Timeout;
  /** The cycle in flight, if any: cycles of one target never overlap. */
  running?: Promise<void>;
}

export interface SchedulerOptions {
  store: SnapshotStore;
  metrics: SelfMetrics;
  log: Logger;
  startupJitterMs: number;
  random?: () => number;
}

/** One loop per target: a first cycle soon after start-up, then one every interval, never two at once. */
export class Scheduler {
  private readonly loops = new Map<TargetState, Loop>();
  private readonly shutdown = new AbortController();
  private readonly firstCycles: Promise<void>[] = [];

  constructor(
    targets: ScheduledTarget[],
    private readonly opts: SchedulerOptions,
  ) {
    for (const t of targets) this.loops.set(t.state, { ...t });
  }

  start(): void {
    const random = this.opts.random ?? Math.random;
    for (const loop of this.loops.values()) {
      const jitter = random() * Math.min(this.opts.startupJitterMs, loop.state.config.interval);
      this.firstCycles.push(
        new Promise((resolve) => {
          loop.timer = setTimeout(() => void this.tick(loop).finally(resolve), jitter);
        }),
      );
    }
  }

  /** Resolves once every target has finished its first cycle, successful or not. */
  async firstCyclesDone(): Promise<void> {
    await Promise.all(this.firstCycles);
  }

  /** Runs one cycle of a target now (after the one in flight, if any) and resolves when its snapshot is swapped in. */
  async runNow(state: TargetState): Promise<void> {
    const loop = this.loops.get(state);
    if (!loop) throw new Error(`unknown target ${state.id}`);
    while (loop.running) await loop.running;
    await this.cycle(loop);
  }

  /** Cancels in-flight cycles and waits for them to settle. */
  async stop(): Promise<void> {
    this.shutdown.abort();
    for (const loop of this.loops.values()) clearTimeout(loop.timer);
    await Promise.allSettled([...this.loops.values()].map((l) => l.running));
  }

  private async tick(loop: Loop): Promise<void> {
    if (this.shutdown.signal.aborted) return;
    while (loop.running) await loop.running;
    const interval = loop.state.config.interval;
    const started = Date.now();
    await this.cycle(loop);
    if (this.shutdown.signal.aborted) return;
    const next = started + interval;
    const late = Date.now() - next;
    if (late > 0) {
      this.opts.metrics.overruns.inc(this.labels(loop));
      this.opts.log.warn({ ...this.labels(loop), lateMs: late, intervalMs: interval }, 'collection cycle overran its interval; the next one starts now');
    }
    loop.timer = setTimeout(() => void this.tick(loop), Math.max(0, next - Date.now()));
  }

  private cycle(loop: Loop): Promise<void> {
    const run = this.runCycle(loop).finally(() => {
      loop.running = undefined;
    });
    loop.running = run;
    return run;
  }

  private async runCycle(loop: Loop): Promise<void> {
    const { state, collector } = loop;
    const config = state.config;
    const labels = this.labels(loop);
    const log = this.opts.log.child(labels);
    const startedAt = Date.now();
    const deadline = startedAt + (config.cycleTimeout || config.interval);
    // A plain controller per cycle, not AbortSignal.any: Node 20 keeps every
    // signal derived from a composite one alive on its sources, which for a
    // per-request signal derived from this one would leak with each request.
    const cycle = new AbortController();
    const signal = cycle.signal;
    // Every queued upstream request listens on this signal: thousands are normal.
    setMaxListeners(0, signal);
    const timer = setTimeout(() => cycle.abort(new Error('cycle deadline reached')), deadline - startedAt);
    const onShutdown = () => cycle.abort(new Error('shutting down'));
    this.shutdown.signal.addEventListener('abort', onShutdown, { once: true });

    let outcome: CycleOutcome;
    try {
      outcome = { result: await withAbort(collector.collect({ target: config.name, signal, deadline, startedAt, log }), signal) };
    } catch (err) {
      outcome = { error: toError(err) };
    } finally {
      clearTimeout(timer);
      this.shutdown.signal.removeEventListener('abort', onShutdown);
    }
    if (this.shutdown.signal.aborted) return;

    const endedAt = Date.now();
    const errors = 'error' in outcome ? [outcome.error] : outcome.result.errors;
    await this.opts.store.apply(state, outcome, startedAt);
    state.firstCycleDone = true;
    state.last = {
      startedAt,
      durationMs: endedAt - startedAt,
      success: errors.length === 0,
      errors: errors.slice(0, 5).map((e) => e.message),
    };

    const m = this.opts.metrics;
    m.collectDuration.set(labels, (endedAt - startedAt) / 1000);
    m.collectSuccess.set(labels, errors.length === 0 ? 1 : 0);
    if (errors.length === 0) {
      m.lastSuccess.set(labels, endedAt / 1000);
      log.info({ durationMs: endedAt - startedAt, series: state.rendered.series }, 'collection cycle succeeded');
    } else {
      m.collectErrors.inc(labels);
      log.warn(
        { durationMs: endedAt - startedAt, series: state.rendered.series, failed: errors.length, errors: state.last.errors },
        'error' in outcome ? 'collection cycle failed; previous series kept until they are stale' : 'collection cycle partly failed; the failed parts keep their previous series until they are stale',
      );
    }
  }

  private labels(loop: Loop): { source: string; target: string } {
    return { source: loop.state.kind, target: loop.state.config.name };
  }
}

/** The collector's promise, or a rejection shortly after the signal fires if the collector ignores it. */
function withAbort(work: Promise<CycleResult>, signal: AbortSignal): Promise<CycleResult> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      timer = setTimeout(() => reject(toError(signal.reason ?? new Error('cycle aborted'))), ABORT_GRACE_MS);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    });
  });
}
