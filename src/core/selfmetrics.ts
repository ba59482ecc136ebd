import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { RequestTally } from './request-tally.js';
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
  /** The HTTP clients' counts of upstream attempts, read into upstreamRequests whenever it is read. */
  private readonly tallies = new Map<RequestTally, { source: string; target: string }>();
  readonly upstreamRequests: Counter<'source' | 'target' | 'endpoint' | 'code'> = new Counter({
    name: 'capacity_exporter_upstream_requests_total',
    help: 'HTTP requests to upstream APIs, by route template and status code (or error class).',
    labelNames: ['source', 'target', 'endpoint', 'code'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [tally, labels] of this.tallies) this.drain(tally, labels);
    },
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

  /** Every metric labelled by source and target. */
  private get perTarget(): Array<Gauge | Counter | Histogram> {
    return [
      this.collectSuccess,
      this.collectDuration,
      this.lastSuccess,
      this.collectInterval,
      this.collectErrors,
      this.overruns,
      this.series,
      this.upstreamRequests,
      this.upstreamDuration,
      this.tokenRequests,
    ];
  }

  readonly reloadSuccessful = new Gauge({
    name: 'capacity_exporter_config_last_reload_successful',
    help: 'Whether the last configuration reload (SIGHUP or POST /-/reload) succeeded; 1 from start-up until one fails.',
    registers: [this.registry],
  });
  readonly reloadSuccessTime = new Gauge({
    name: 'capacity_exporter_config_last_reload_success_timestamp_seconds',
    help: 'Unix time at which the running configuration was loaded, at start-up or by the last successful reload.',
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

  /**
   * Drops every series of a target that a config reload removed, so that no
   * alert keeps judging a target that no longer exists.
   */
  async forgetTarget(source: string, target: string): Promise<void> {
    for (const metric of this.perTarget) {
      for (const { labels } of (await metric.get()).values) {
        if (labels.source !== source || labels.target !== target) continue;
        // A histogram lists each bucket with its `le`, which is not one of its label names.
        const { le: _bucket, ...own } = labels;
        metric.remove(own);
      }
    }
  }

  /** Where a target's HTTP client counts its attempts, until `releaseTally`. */
  requestTally(source: string, target: string): RequestTally {
    const tally = new RequestTally();
    this.tallies.set(tally, { source, target });
    return tally;
  }

  /** Counts what the tally still holds; it counts no more after this (its client is closed). */
  releaseTally(tally: RequestTally): void {
    const labels = this.tallies.get(tally);
    if (!labels) return;
    this.drain(tally, labels);
    this.tallies.delete(tally);
  }

  private drain(tally: RequestTally, labels: { source: string; target: string }): void {
    tally.drain((endpoint, code, n) => this.upstreamRequests.inc({ ...labels, endpoint, code }, n));
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
