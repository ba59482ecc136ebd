import type { Sample } from './series.js';

/** HELP, TYPE and label names of one metric. */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'gauge' | 'counter';
  /** Label names besides `target`, which the snapshot store adds to every series. */
  readonly labelNames: readonly string[];
}

export type LabelSet<L extends string> = { readonly [K in L]: string };

/**
 * A gauge family declared beside the code that builds its samples (as
 * kube-state-metrics' family generators are): a sample can only be made with
 * the declared label names, and the family list a source exposes is made of
 * these same objects, so HELP and TYPE cannot go missing for a series.
 */
export class Gauge<L extends string> implements MetricFamily {
  readonly type = 'gauge';

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
  ) {}

  sample(labels: LabelSet<L>, value: number): Sample {
    return { name: this.name, labels, value };
  }
}

export function gauge<const L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
  return new Gauge(name, help, labelNames);
}

/**
 * A state as an enum: one series per known state, 1 for the current one and 0
 * for the others, and a state the list does not know exposed as itself (1), so
 * that an upstream's new state is seen rather than lost.
 */
class StateGauge<L extends string> extends Gauge<L | 'state'> {
  constructor(
    name: string,
    help: string,
    labelNames: readonly L[],
    readonly states: readonly string[],
  ) {
    super(name, help, [...labelNames, 'state']);
  }

  samples(labels: LabelSet<L>, current: string): Sample[] {
    const out = this.states.map((state) => this.sample({ ...labels, state }, state === current ? 1 : 0));
    if (!this.states.includes(current)) out.push(this.sample({ ...labels, state: current }, 1));
    return out;
  }
}

export function stateGauge<const L extends string>(name: string, help: string, labelNames: readonly L[], states: readonly string[]): StateGauge<L> {
  return new StateGauge(name, help, labelNames, states);
}
