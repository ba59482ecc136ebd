import { renderPart, type RenderedPart } from './exposition.js';

/** Label values by label name; `target` is added by the snapshot store, never by a collector. */
export type Labels = Record<string, string>;

export interface Sample {
  name: string;
  labels: Labels;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
}

/** A sub-request's outcome: its rendered samples, or the error that kept it from producing them. */
export type PartOutcome =
  | { key: string; samples: Sample[]; rendered?: RenderedPart }
  | { key: string; error: Error };

/**
 * What one collection cycle returns. Part keys are paths ("org/42/groups"): a
 * failed part keeps the previous samples of its own key and of every key below
 * it, so a collector that cannot even list an organisation need not know which
 * groups it used to have.
 */
export class CycleResult {
  readonly parts: PartOutcome[] = [];

  /**
   * Give the cycle's context (`new CycleResult(ctx)`): its `target` lets each
   * part be rendered the moment it is produced. Without one (a test building a
   * result by hand) the store renders the parts at the swap.
   */
  constructor(private readonly ctx?: { target?: string }) {}

  /**
   * Rendered at once within a scheduled cycle, so that text is produced as the
   * cycle goes and the swap only concatenates; the samples are then let go (at
   * 100k series they weigh more than their text). Outside one (a test calling
   * collect() directly) they are kept for the caller and the store.
   */
  ok(key: string, samples: Sample[]): void {
    const target = this.ctx?.target;
    this.parts.push(target === undefined ? { key, samples } : { key, samples: [], rendered: renderPart(samples, target) });
  }

  fail(key: string, error: unknown): void {
    this.parts.push({ key, error: toError(error) });
  }

  /** Runs one sub-request; its error is recorded against `key` instead of failing the cycle. */
  async part(key: string, fn: () => Promise<Sample[]>): Promise<boolean> {
    try {
      this.ok(key, await fn());
      return true;
    } catch (err) {
      this.fail(key, err);
      return false;
    }
  }

  get errors(): Error[] {
    return this.parts.flatMap((p) => ('error' in p ? [p.error] : []));
  }
}

export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
