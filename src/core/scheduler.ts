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
  /** Aborted when the loop is removed or the scheduler stops: cancels its cycle and ends the loop. */
  readonly stopped: AbortController;
  /** Resolves once the loop's first cycle has ended, successful or not, or the loop was stopped. */
  readonly firstCycle: Promise<void>;
  firstCycleDone(): void;
}

export interface SchedulerOptions {
  store: SnapshotStore;
  metrics: SelfMetrics;
  log: Logger;
  startupJitterMs: number;
  random?: () => number;
}

/**
 * One loop per target: a first cycle soon after it is added, then one every
 * interval, never two at once. Targets come and go while it runs (a config
 * reload): a removed target's cycle in flight is cancelled.
 */
export class Scheduler {
  private readonly loops = new Map<TargetState, Loop>();
  private started = false;

  constructor(private readonly opts: SchedulerOptions) {}

  /** Starts the loops of every target added so far, and of every target added from now on. */
  start(): void {
    this.started = true;
    for (const loop of this.loops.values()) this.begin(loop);
  }

  add(target: ScheduledTarget): void {
    let firstCycleDone = () => {};
    const firstCycle = new Promise<void>((resolve) => (firstCycleDone = resolve));
    const loop: Loop = { ...target, stopped: new AbortController(), firstCycle, firstCycleDone };
    this.loops.set(target.state, loop);
    if (this.started) this.begin(loop);
  }

  /** Ends a target's loop: its cycle in flight is cancelled and nothing of it is applied. */
  async remove(state: TargetState): Promise<void> {
    const loop = this.loops.get(state);
    if (!loop) return;
    this.loops.delete(state);
    await this.end(loop, new Error('target removed by a configuration reload'));
  }

  /** Resolves once every current target has finished its first cycle, successful or not. */
  async firstCyclesDone(): Promise<void> {
    await Promise.all([...this.loops.values()].map((l) => l.firstCycle));
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
    await Promise.all([...this.loops.values()].map((l) => this.end(l, new Error('shutting down'))));
  }

  private begin(loop: Loop): void {
    const random = this.opts.random ?? Math.random;
    const jitter = random() * Math.min(this.opts.startupJitterMs, loop.state.config.interval);
    loop.timer = setTimeout(() => void this.tick(loop), jitter);
  }

  private async end(loop: Loop, reason: Error): Promise<void> {
    loop.stopped.abort(reason);
    clearTimeout(loop.timer);
    loop.firstCycleDone();
    await loop.running?.catch(() => {});
  }

  private async tick(loop: Loop): Promise<void> {
    if (loop.stopped.signal.aborted) return;
    while (loop.running) await loop.running;
    const interval = loop.state.config.interval;
    const started = Date.now();
    await this.cycle(loop);
    loop.firstCycleDone();
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the loop may have been stopped during the cycle awaited above
    if (loop.stopped.signal.aborted) return;
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
    // A plain controller per cycle, not AbortSignal.any: Node keeps every
    // signal derived from a composite one alive on its sources, which for a
    // per-request signal derived from this one would leak with each request.
    const cycle = new AbortController();
    const signal = cycle.signal;
    // Every queued upstream request listens on this signal: thousands are normal.
    setMaxListeners(0, signal);
    const timer = setTimeout(() => cycle.abort(new Error('cycle deadline reached')), deadline - startedAt);
    const stopped = loop.stopped.signal;
    const onStop = () => cycle.abort(stopped.reason);
    stopped.addEventListener('abort', onStop, { once: true });

    let outcome: CycleOutcome;
    try {
      outcome = { result: await withAbort(collector.collect({ target: config.name, signal, deadline, startedAt, log }), signal) };
    } catch (err) {
      outcome = { error: toError(err) };
    } finally {
      clearTimeout(timer);
      stopped.removeEventListener('abort', onStop);
    }
    if (stopped.aborted) return;

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
        'error' in outcome
          ? 'collection cycle failed; previous series kept until they are stale'
          : 'collection cycle partly failed; the failed parts keep their previous series until they are stale',
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
