import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TokenObserver } from './source.js';

const BACKGROUND = 'Collected in the background every interval of the target.';

/** The exporter's own metrics (capacity_exporter_*), plus prom-client's process and Node.js defaults. */
export class SelfMetrics {
  readonly registry = new Registry();

  readonly collectSuccess = new Gauge({
    name: 'capacity_exporter_collect_success',
    help: `1 if the last collection cycle of the target succeeded completely, else 0. ${BACKGROUND}`,
    labelNames: ['source', 'target'] as const,
    registers: [this.registry],
  });
  readonly collectDuration = new Gauge({
    name: 'capacity_exporter_collect_duration_seconds',
    help: `Duration of the last collection cycle of the target. ${BACKGROUND}`,
    labelNames: ['source', 'target'] as const,
    registers: [this.registry],
  });
  readonly lastSuccess = new Gauge({
    name: 'capacity_exporter_last_success_timestamp_seconds',
    help: 'Unix time at which the last fully successful collection cycle of the target ended.',
    labelNames: ['source', 'target'] as const,
    registers: [this.registry],
  });
  readonly collectInterval = new Gauge({
    name: 'capacity_exporter_collect_interval_seconds',
    help: 'Configured interval between the starts of two collection cycles of the target; data older than a few of these is stale.',
    labelNames: ['source', 'target'] as const,
    registers: [this.registry],
  });
  readonly collectErrors = new Counter({
    name: 'capacity_exporter_collect_errors_total',
    help: 'Collection cycles of the target that failed in whole or in part.',
    labelNames: ['source', 'target'] as const,
    registers: [this.registry],
  });
  readonly overruns = new Counter({
    name: 'capacity_exporter_cycle_overruns_total',
    help: 'Collection cycles that ran past the start of the next one; the next cycle then starts when the late one ends.',
    labelNames: ['source', 'target'] as const,
    registers: [this.registry],
  });
  readonly series = new Gauge({
    name: 'capacity_exporter_series',
    help: 'Series the target currently exposes, stale ones kept after a failure included.',
    labelNames: ['source', 'target'] as const,
    registers: [this.registry],
  });
  readonly upstreamRequests = new Counter({
    name: 'capacity_exporter_upstream_requests_total',
    help: 'HTTP requests to upstream APIs, by route template and status code (or error class).',
    labelNames: ['source', 'target', 'endpoint', 'code'] as const,
    registers: [this.registry],
  });
  readonly upstreamDuration = new Histogram({
    name: 'capacity_exporter_upstream_request_duration_seconds',
    help: 'Duration of HTTP requests to upstream APIs, by route template, each attempt counted.',
    labelNames: ['source', 'target', 'endpoint'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly tokenRequests = new Counter({
    name: 'capacity_exporter_token_requests_total',
    help: 'Token requests to upstream identity services, by outcome (success or failure).',
    labelNames: ['source', 'target', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor(version: string) {
    const buildInfo = new Gauge({
      name: 'capacity_exporter_build_info',
      help: 'Always 1; the labels name the exporter version and the Node.js version.',
      labelNames: ['version', 'node_version'] as const,
      registers: [this.registry],
    });
    buildInfo.set({ version, node_version: process.version }, 1);
    collectDefaultMetrics({ register: this.registry });
    // Gauges named *_total fail `promtool check metrics`; prom-client also
    // exports each of them without the suffix, so nothing is lost.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      this.registry.removeSingleMetric(name);
    }
  }

  /** Makes a target's series visible before its first cycle ends. */
  registerTarget(source: string, target: string, intervalMs: number): void {
    const labels = { source, target };
    this.collectInterval.set(labels, intervalMs / 1000);
    this.collectErrors.inc(labels, 0);
    this.overruns.inc(labels, 0);
    this.series.set(labels, 0);
  }

  /** What a target's token providers report to: its token request counter. */
  tokenObserver(source: string, target: string): TokenObserver {
    return (outcome) => this.tokenRequests.inc({ source, target, outcome });
  }

  async render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
