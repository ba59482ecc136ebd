import { pino } from 'pino';
import { HttpClient } from '../../../src/core/http.js';
import { SelfMetrics } from '../../../src/core/selfmetrics.js';
import type { IxapiCredentials } from '../../../src/simulator/ixapi/index.js';
import ixapi from '../../../src/sources/ixapi/index.js';
import { percentile, round, rssMb } from '../stats.js';
import { benchCollector, benchContext, renderedSeries } from '../context.js';
import { startSimulatorProcess } from '../sim-process.js';

const SERVICES = 5000;
const CONNECTIONS = 200;
const PAGE_LIMIT = 500;
const CYCLES = 5;

/**
 * One IX-API target (key/secret flow) against 5,000 network services (about
 * 7,500 configs) on 200 connections, read in pages of 500: the time of a
 * whole cycle and the series it yields.
 */
export default async function (): Promise<Record<string, unknown>> {
  const simulator = await startSimulatorProcess<{ baseUrl: string; credentials: IxapiCredentials }>('ixapi-sim.js', [String(SERVICES), String(CONNECTIONS)]);
  try {
    const { sim } = simulator;
    const log = pino({ level: 'silent' });
    const metrics = new SelfMetrics('bench');
    const http = new HttpClient({
      source: 'ixapi',
      target: 'bench',
      baseUrl: sim.baseUrl,
      timeoutMs: 60_000,
      retries: 0,
      maxResponseBytes: 256 * 1024 * 1024,
      concurrency: 4,
      requestsPerSecond: 0,
      metrics,
      log,
    });
    const collector = benchCollector(
      ixapi,
      { baseUrl: sim.baseUrl, pageLimit: PAGE_LIMIT, auth: { apiKey: sim.credentials.apiKey, apiSecret: sim.credentials.apiSecret } },
      { http, log, metrics },
    );

    const times: number[] = [];
    let series = 0;
    for (let i = 0; i < CYCLES; i++) {
      const t0 = performance.now();
      const result = await collector.collect(benchContext(log, 120_000));
      times.push(performance.now() - t0);
      if (result.errors.length) throw new Error('cycle failed', { cause: result.errors[0] });
      series = renderedSeries(result);
    }
    times.sort((a, b) => a - b);
    await http.close();
    return {
      services: SERVICES,
      connections: CONNECTIONS,
      page_limit: PAGE_LIMIT,
      series,
      cycle_ms_p50: round(percentile(times, 50)),
      cycle_ms_max: round(times[times.length - 1]!),
      rss_mb: rssMb(),
    };
  } finally {
    simulator.stop();
  }
}
