import type { Logger } from '../log.js';
import { CachedText, cacheText, renderKind, renderTarget, type RenderedPart, type RenderedTarget } from './exposition.js';
import type { MetricFamily } from './family.js';
import type { SelfMetrics } from './selfmetrics.js';
import type { CycleResult } from './series.js';
import type { Source, TargetConfig } from './source.js';

const BACKGROUND = ' Collected in the background every interval of the target; see capacity_exporter_last_success_timestamp_seconds.';

interface Part {
  rendered: RenderedPart;
  /** When these samples were collected (ms); stale parts expire from here. */
  collectedAt: number;
}

export interface LastCycle {
  startedAt: number;
  durationMs: number;
  success: boolean;
  /** First errors of the cycle, for the landing page and the log. */
  errors: string[];
}

/** What the store knows of one target: its parts, rendered text and last cycle. */
export class TargetState {
  parts = new Map<string, Part>();
  rendered: RenderedTarget = { byName: new Map(), series: 0 };
  firstCycleDone = false;
  last?: LastCycle;

  constructor(
    readonly source: Source,
    readonly config: TargetConfig,
    /** How long the series of a failed part are kept. */
    readonly maxStalenessMs: number,
  ) {}

  get kind(): string {
    return this.source.kind;
  }

  get id(): string {
    return `${this.kind}/${this.config.name}`;
  }
}

/** The outcome of one cycle: a result, or the error that failed it as a whole. */
export type CycleOutcome = { result: CycleResult } | { error: Error };

/**
 * Per-target series sets, swapped in as one step after each cycle, and the
 * cached exposition text of each source kind, rendered once per swap.
 */
export class SnapshotStore {
  private states: TargetState[] = [];
  private readonly texts = new Map<string, CachedText>();
  /** Renders of a kind are chained so that an older one never overwrites a newer one. */
  private readonly renders = new Map<string, Promise<void>>();

  constructor(
    private readonly metrics: SelfMetrics,
    private readonly log: Logger,
  ) {}

  /**
   * A target's place in the store. A target restarted with a new config takes
   * over what its `previous` self collected, so that its series go on until
   * its own first cycle replaces them.
   */
  add(source: Source, config: TargetConfig, maxStalenessMs: number, previous?: TargetState): TargetState {
    const state = new TargetState(source, config, maxStalenessMs || 3 * config.interval);
    if (previous) {
      state.parts = previous.parts;
      state.rendered = previous.rendered;
      state.firstCycleDone = previous.firstCycleDone;
      state.last = previous.last;
      this.states[this.states.indexOf(previous)] = state;
    } else {
      this.states.push(state);
    }
    if (!this.texts.has(source.kind)) this.texts.set(source.kind, new CachedText(Buffer.alloc(0)));
    return state;
  }

  /** Drops a target and its series at once; resolves when its kind's text no longer holds them. */
  async remove(state: TargetState): Promise<void> {
    this.states = this.states.filter((s) => s !== state);
    await this.render(state.kind);
  }

  /** Puts the targets in this order (the config's), which their series follow in every scrape. */
  reorder(order: readonly TargetState[]): void {
    const rank = new Map(order.map((s, i) => [s, i]));
    this.states.sort((a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity));
  }

  targets(): readonly TargetState[] {
    return this.states;
  }

  get(kind: string, name: string): TargetState | undefined {
    return this.states.find((s) => s.kind === kind && s.config.name === name);
  }

  /** Cached text of every kind in a stable order; a scrape only concatenates these. */
  cached(): CachedText[] {
    return [...this.texts.values()];
  }

  /**
   * Applies a cycle's outcome to a target. A successful part replaces the
   * previous one; a failed part (and a whole failed cycle) keeps the previous
   * samples at and below its key until they are older than maxStaleness; a
   * key that a successful cycle no longer returns is gone upstream and dropped.
   * Resolves once the kind's text has been rendered with the new snapshot.
   */
  async apply(state: TargetState, outcome: CycleOutcome, now: number): Promise<void> {
    const oldest = now - state.maxStalenessMs;
    const next = new Map<string, Part>();
    if ('error' in outcome) {
      for (const [key, part] of state.parts) if (part.collectedAt >= oldest) next.set(key, part);
    } else {
      const failed: string[] = [];
      for (const p of outcome.result.parts) {
        if ('error' in p) failed.push(p.key);
        else next.set(p.key, { rendered: p.rendered, collectedAt: now });
      }
      if (failed.length) {
        const failedKeys = new Set(failed);
        for (const [prevKey, part] of state.parts) {
          if (next.has(prevKey) || part.collectedAt < oldest) continue;
          if (underFailedKey(prevKey, failedKeys)) next.set(prevKey, part);
        }
      }
    }
    state.parts = next;
    state.rendered = renderTarget([...next.values()].map((p) => p.rendered));
    if ('result' in outcome) {
      const invalid = [...next.values()].filter((p) => p.collectedAt === now).flatMap((p) => p.rendered.invalid);
      if (invalid.length)
        this.log.warn({ source: state.kind, target: state.config.name, series: invalid.slice(0, 10) }, 'dropped series with invalid metric or label names');
    }
    this.metrics.series.set({ source: state.kind, target: state.config.name }, state.rendered.series);
    await this.render(state.kind);
  }

  private render(kind: string): Promise<void> {
    const previous = this.renders.get(kind) ?? Promise.resolve();
    const done = previous.then(async () => {
      const states = this.states.filter((s) => s.kind === kind);
      const families = new Map<string, MetricFamily>();
      for (const s of states) {
        for (const f of s.source.families(s.config)) if (!families.has(f.name)) families.set(f.name, { ...f, help: f.help + BACKGROUND });
      }
      this.texts.set(
        kind,
        await cacheText(
          renderKind(
            [...families.values()],
            states.map((s) => s.rendered),
          ),
        ),
      );
    });
    this.renders.set(kind, done);
    return done;
  }
}

/** Whether `key` or one of its ancestors (`a/b` for `a/b/c`) failed: one lookup per level, not per failed key. */
function underFailedKey(key: string, failed: Set<string>): boolean {
  for (let end = key.length; end > 0; end = key.lastIndexOf('/', end - 1)) {
    if (failed.has(key.slice(0, end))) return true;
  }
  return false;
}
