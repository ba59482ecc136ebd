import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { pino } from 'pino';
import { startExporter } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/load.js';
import intercloud from '../../../src/sources/intercloud/index.js';
import { startSimulatorProcess } from '../sim-process.js';
import { profiled } from '../profile.js';
import { memoryPeaks, round } from '../stats.js';

const ORGANISATIONS = 2000;
const GROUPS = 5;
const REGIONS = 7;
const LATENCY_MS = 20;
const CONCURRENCY = 64;

/**
 * A reseller tree of 2,000 organisations x 5 groups x 7 regions (70,000 /run
 * queries) behind 20 ms of latency, collected with concurrency 64. After the
 * first cycle (discovery included), one value cycle is measured: its time
 * against the ideal queries x latency / concurrency (21.9 s), the exporter's
 * CPU as a share of one core over that cycle, and the exporter's peak RSS.
 * The simulator runs in a child process so its CPU is not counted.
 */
export default async function (): Promise<Record<string, unknown>> {
  const simOpts = { seed: 2020, organisations: ORGANISATIONS - 1, depth: 3, groupsPerOrg: GROUPS, regionsPerGroup: REGIONS, latencyMs: LATENCY_MS };
  const simulator = await startSimulatorProcess<{ url: string; personalAccessToken: string; organisations: number; groups: number }>('intercloud-sim.js', [JSON.stringify(simOpts)]);
  try {
    const { sim } = simulator;
    const queries = sim.groups * REGIONS;
    const config = parseConfig(
      {
        log: { level: 'warn' },
        intercloud: [
          {
            name: 'bench',
            baseUrl: sim.url,
            interval: '1h',
            discoveryInterval: '1h',
            concurrency: CONCURRENCY,
            auth: { personalAccessToken: sim.personalAccessToken },
          },
        ],
      },
      [intercloud],
      { env: {} },
    );
    const peaks = memoryPeaks();
    const firstStarted = performance.now();
    const exporter = await startExporter({ config, log: pino({ level: 'warn' }), host: '127.0.0.1', port: 0, startupJitterMs: 0 });
    try {
      await exporter.ready();
      const firstCycle = (performance.now() - firstStarted) / 1000;
      global.gc?.();
      const load = loadavg()[0]!;
      const simCpu0 = childCpuMs(simulator.pid);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await profiled(() => exporter.runCycle('intercloud', 'bench'));
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const cpuPercent = ((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100;
      const simCpu = childCpuMs(simulator.pid) - simCpu0;
      const peakRssMb = process.resourceUsage().maxRSS / 1024;
      const sampled = peaks();
      const series = exporter.store.get('intercloud', 'bench')?.rendered.series ?? 0;
      const ideal = (queries * LATENCY_MS) / CONCURRENCY / 1000;
      const ratio = seconds / ideal;
      return {
        organisations: sim.organisations,
        groups: sim.groups,
        runQueries: queries,
        series,
        firstCycleSeconds: round(firstCycle),
        valueCycleSeconds: round(seconds),
        idealSeconds: round(ideal),
        ratioToIdeal: round(ratio, 3),
        cpuPercentOfOneCore: round(cpuPercent, 1),
        peakRssMb: round(peakRssMb, 1),
        ...sampled,
        cpuMicrosPerQuery: round((cpu.user + cpu.system) / queries, 0),
        simulatorCpuPercent: round((simCpu / (seconds * 1000)) * 100, 1),
        loadAverage1m: round(load, 2),
        cores: availableParallelism(),
        bars: 'value cycle <= 1.15 x ideal, CPU < 30 % of one core, peak RSS < 300 MB',
        pass: ratio <= 1.15 && cpuPercent < 30 && peakRssMb < 300,
      };
    } finally {
      await exporter.close();
    }
  } finally {
    simulator.stop();
  }
}

/** CPU time of a child process so far, in ms (Linux /proc; NaN elsewhere). */
function childCpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}
