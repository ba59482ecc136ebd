import { renderPart, type RenderedPart } from './exposition.js';

/** Label values by label name; `target` is added by the snapshot store, never by a collector. */
export type Labels = Record<string, string>;

export interface Sample {
  name: string;
  labels: Labels;
  value: number;
}

/** A sub-request's outcome: its rendered samples, or the error that kept it from producing them. */
export type PartOutcome = { key: string; rendered: RenderedPart } | { key: string; error: Error };

/**
 * What one collection cycle returns. Part keys are paths ("org/42/groups"): a
 * failed part keeps the previous samples of its own key and of every key below
 * it, so a collector that cannot even list an organisation need not know which
 * groups it used to have.
 */
export class CycleResult {
  readonly parts: PartOutcome[] = [];

  /** `ctx.target` is the `target` label every part is rendered with. */
  constructor(private readonly ctx: { readonly target: string }) {}

  /**
   * Rendered at once, so that text is produced as the cycle goes and the swap
   * only concatenates; the samples are then let go (at 100k series they weigh
   * more than their text).
   */
  ok(key: string, samples: readonly Sample[]): void {
    this.parts.push({ key, rendered: renderPart(samples, this.ctx.target) });
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
