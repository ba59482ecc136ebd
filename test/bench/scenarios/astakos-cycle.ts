import { pino } from 'pino';
import { request } from 'undici';
import { HttpClient } from '../../../src/core/http.js';
import { SelfMetrics } from '../../../src/core/selfmetrics.js';
import astakos from '../../../src/sources/astakos/index.js';
import { parseAstakosJson } from '../../../src/sources/astakos/parse.js';
import { percentile, round, rssMb } from '../stats.js';
import { benchCollector, benchContext, renderedSeries } from '../context.js';
import { startSimulatorProcess } from '../sim-process.js';

const USERS = 2000;
const CYCLES = 5;
const PARSES = 20;

/**
 * One Astakos target with a user token and every component's service token,
 * against 2,000 users (each in its own project and some of 20 shared ones,
 * unlimited limits among them): the time of a whole cycle, the series it
 * yields, and what reading 2^63-1 exactly costs over plain JSON.parse.
 */
export default async function (): Promise<Record<string, unknown>> {
  const simulator = await startSimulatorProcess<{ baseUrl: string; userToken: string; serviceTokens: string[] }>('astakos-sim.js', [String(USERS), '20']);
  try {
    const { sim } = simulator;
    const log = pino({ level: 'silent' });
    const metrics = new SelfMetrics('bench');
    const http = new HttpClient({
      source: 'astakos',
      target: 'bench',
      baseUrl: sim.baseUrl,
      timeoutMs: 60_000,
      retries: 0,
      maxResponseBytes: 512 * 1024 * 1024,
      concurrency: 4,
      requestsPerSecond: 0,
      metrics,
      log,
    });
    const collector = benchCollector(
      astakos,
      { baseUrl: sim.baseUrl, auth: { token: sim.userToken, serviceTokens: sim.serviceTokens.map((token) => ({ token })) } },
      { http, log, metrics },
    );

    const times: number[] = [];
    const cpu0 = process.cpuUsage();
    let series = 0;
    let parts = 0;
    for (let i = 0; i < CYCLES; i++) {
      const t0 = performance.now();
      const result = await collector.collect(benchContext(log, 60_000));
      times.push(performance.now() - t0);
      if (result.errors.length) throw new Error('cycle failed', { cause: result.errors[0] });
      parts = result.parts.length;
      series = renderedSeries(result);
    }
    const cpu = process.cpuUsage(cpu0);
    times.sort((a, b) => a - b);

    const res = await request(`${sim.baseUrl}/service_quotas`, { headers: { 'x-auth-token': sim.serviceTokens[0]! } });
    const body = await res.body.text();
    const timeParse = (parse: (text: string) => unknown) => {
      const t0 = performance.now();
      for (let i = 0; i < PARSES; i++) parse(body);
      return (performance.now() - t0) / PARSES;
    };
    const plain = timeParse(JSON.parse);
    const exact = timeParse(parseAstakosJson);
    await http.close();
    return {
      users: USERS,
      series,
      parts,
      cycle_ms_p50: round(percentile(times, 50)),
      cycle_ms_max: round(times[times.length - 1]!),
      // The simulator answers from its own process: this is the exporter's share of a cycle.
      exporter_cpu_ms_per_cycle: round((cpu.user + cpu.system) / 1000 / CYCLES),
      service_quotas_mb: round(body.length / 1024 / 1024),
      json_parse_ms: round(plain),
      exact_parse_ms: round(exact),
      exact_parse_overhead: round(exact / plain),
      rss_mb: rssMb(),
    };
  } finally {
    simulator.stop();
  }
}
