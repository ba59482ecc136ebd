import { pino } from 'pino';
import { HttpClient } from '../../../src/core/http.js';
import { SelfMetrics } from '../../../src/core/selfmetrics.js';
import gnocchi from '../../../src/sources/gnocchi/index.js';
import { parseGnocchiJson } from '../../../src/sources/gnocchi/parse.js';
import { percentile, round, rssMb } from '../stats.js';
import { benchCollector, benchContext, renderedSamples } from '../context.js';
import { startSimulatorProcess } from '../sim-process.js';

const PROJECTS = 100;
const PER_PROJECT = 50;
const CYCLES = 5;

/**
 * One Gnocchi target (Keystone password, endpoint from the catalog) over 5,000
 * instances in 100 projects: the built-in latest-per-resource query (one group
 * per instance) and the same with fill=null (which must give the same total:
 * an aggregate never holds NaN). Reports the cycle time, the exporter's CPU
 * per cycle and the cost of reading bare NaN tokens (in a body made up here,
 * as Gnocchi writes them in series it did not aggregate), and checks the total.
 */
export default async function (): Promise<Record<string, unknown>> {
  const simulator = await startSimulatorProcess<{ keystoneUrl: string; username: string; password: string; instances: number; expectedVcpus: number }>(
    'gnocchi-sim.js',
    [String(PROJECTS), String(PER_PROJECT)],
  );
  try {
    const { sim } = simulator;
    const log = pino({ level: 'silent' });
    const metrics = new SelfMetrics('bench');
    const http = new HttpClient({
      source: 'gnocchi',
      target: 'bench',
      timeoutMs: 60_000,
      retries: 0,
      maxResponseBytes: 512 * 1024 * 1024,
      concurrency: 4,
      requestsPerSecond: 0,
      metrics,
      log,
    });
    const collector = benchCollector(
      gnocchi,
      {
        auth: { keystone: { url: sim.keystoneUrl, username: sim.username, password: sim.password, project: 'admin' } },
        queries: [{ name: 'vcpus' }, { name: 'vcpus_filled', fill: 'null' }],
      },
      { http, log, metrics },
    );

    const times: number[] = [];
    const cpu0 = process.cpuUsage();
    let totals: Record<string, number> = {};
    for (let i = 0; i < CYCLES; i++) {
      const t0 = performance.now();
      const result = await collector.collect(benchContext(log, 60_000));
      times.push(performance.now() - t0);
      if (result.errors.length) throw new Error('cycle failed', { cause: result.errors[0] });
      totals = {};
      for (const s of renderedSamples(result)) if (!s.name.endsWith('_timestamp_seconds')) totals[s.name] = (totals[s.name] ?? 0) + s.value;
    }
    const cpu = process.cpuUsage(cpu0);
    times.sort((a, b) => a - b);
    await http.close();

    // Parsing cost of the NaN-tolerant reader on a body of the same size, with and without NaN tokens.
    const points = Array.from({ length: 60_000 }, (_, i) => `["2026-01-01T00:00:00+00:00", 300.0, ${i % 3 === 0 ? 'NaN' : '4.0'}]`);
    const withNaN = `{"measures": {"aggregated": [${points.join(', ')}]}}`;
    const plain = withNaN.replace(/NaN/g, '4.0');
    const time = (f: () => unknown) => {
      const t0 = performance.now();
      for (let i = 0; i < 10; i++) f();
      return (performance.now() - t0) / 10;
    };
    const jsonParse = time(() => JSON.parse(plain));
    const nanParse = time(() => parseGnocchiJson(withNaN));
    return {
      instances: sim.instances,
      cycle_ms_p50: round(percentile(times, 50)),
      cycle_ms_max: round(times[times.length - 1]!),
      // The simulator answers from its own process: this is the exporter's share of a cycle.
      exporter_cpu_ms_per_cycle: round((cpu.user + cpu.system) / 1000 / CYCLES),
      vcpus_total: totals.gnocchi_vcpus,
      vcpus_expected: sim.expectedVcpus,
      json_parse_ms: round(jsonParse),
      nan_tolerant_parse_ms: round(nanParse),
      nan_parse_overhead: round(nanParse / jsonParse),
      rss_mb: rssMb(),
      bars: 'both queries give the exact total of live vCPUs; NaN-tolerant parsing costs under 5x JSON.parse',
      pass: totals.gnocchi_vcpus === sim.expectedVcpus && totals.gnocchi_vcpus_filled === sim.expectedVcpus && nanParse / jsonParse < 5,
    };
  } finally {
    simulator.stop();
  }
}
