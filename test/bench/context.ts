import { setMaxListeners } from 'node:events';
import { parseConfig } from '../../src/config/load.js';
import type { HttpClient } from '../../src/core/http.js';
import type { SelfMetrics } from '../../src/core/selfmetrics.js';
import type { CycleResult } from '../../src/core/series.js';
import type { Collector, CycleContext, Source } from '../../src/core/source.js';
import type { Logger } from '../../src/log.js';
import { parseExposition, type ParsedSample } from '../helpers/exposition.js';

/** A cycle context like the scheduler's: parts rendered as they come, a signal that thousands of requests may watch. */
export function benchContext(log: Logger, timeoutMs: number): CycleContext {
  const signal = new AbortController().signal;
  setMaxListeners(0, signal);
  const startedAt = Date.now();
  return { target: 'bench', signal, deadline: startedAt + timeoutMs, startedAt, log };
}

/** A collector for one target written as a user would (validated like any config), on the given client. */
export function benchCollector(source: Source, raw: Record<string, unknown>, deps: { http: HttpClient; log: Logger; metrics: SelfMetrics }): Collector {
  const target = parseConfig({ [source.kind]: [{ name: 'bench', ...raw }] }, [source], { env: {} }).targets[0]!.config;
  return source.create(target, { http: deps.http, log: deps.log, tokens: deps.metrics.tokenObserver(source.kind, target.name) });
}

/** The series a cycle rendered, read back from their text. */
export function renderedSamples(result: CycleResult): ParsedSample[] {
  return result.parts.flatMap((p) => ('rendered' in p ? p.rendered.texts.flatMap(parseExposition) : []));
}

/** Series a cycle rendered, counted. */
export function renderedSeries(result: CycleResult): number {
  return result.parts.reduce((n, p) => n + ('rendered' in p ? p.rendered.series : 0), 0);
}
