import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { destination, pino } from 'pino';
import { startExporter } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/load.js';
import { limitHeapGrowth } from '../../../src/heap.js';
import intercloud from '../../../src/sources/intercloud/index.js';
import type { ScenarioOptions } from '../run.js';
import type { ScraperFigures, ScraperOptions } from '../scraper.js';
import { runBenchScript, startSimulatorProcess } from '../sim-process.js';
import { fitLine, percentile, round } from '../stats.js';

const ORGANISATIONS = 1000;
const GROUPS = 5;
const REGIONS = 7;
const LATENCY_MS = 10;
const CONCURRENCY = 128;
const INTERVAL = '20s';
const SCRAPES_PER_SECOND = 10;
const REPORT_EVERY_MS = 30_000;
const MB = 1024 * 1024;

/**
 * Endurance: the exporter as it runs in production (startExporter with a
 * config, the scheduler cycling every 20 s) on an InterCloud world of about
 * 100k series whose simulator, in its own process, answers 5 % of requests
 * 500 and 5 % 429 (Retry-After: 1), while a scraper process fetches
 * /metrics with gzip ten times a second. The discovery runs again every
 * minute, so that its path is soaked too.
 *
 * Every 30 s the exporter's RSS and heap are reported (on stderr as they
 * come, and in the figures); the slope of the last half of the run, by least
 * squares, tells a plateau from a leak, and its standard error how far the
 * slope stands out from the readings' scatter.
 *
 * Length: `--minutes N` (`npm run bench -- soak --minutes 2`) or
 * BENCH_SOAK_MINUTES, default 10. A short run is for trying the scenario: its
 * last half is too short for the slope to mean much.
 */
export default async function (options: ScenarioOptions): Promise<Record<string, unknown>> {
  const minutes = Number(options.minutes ?? process.env.BENCH_SOAK_MINUTES ?? 10);
  if (!(minutes > 0)) throw new Error(`soak: minutes must be a positive number, got ${options.minutes ?? process.env.BENCH_SOAK_MINUTES}`);
  const durationMs = minutes * 60_000;
  const simOpts = {
    seed: 4242,
    organisations: ORGANISATIONS - 1,
    depth: 3,
    groupsPerOrg: GROUPS,
    regionsPerGroup: REGIONS,
    latencyMs: LATENCY_MS,
    faults: { errorRate: 0.05, tooManyRate: 0.05, retryAfterSeconds: 1 },
  };
  const simulator = await startSimulatorProcess<{ url: string; personalAccessToken: string; groups: number }>('intercloud-sim.js', [JSON.stringify(simOpts)]);
  const logFile = join(tmpdir(), `capacity-exporter-soak-${process.pid}.log`);
  // Production logs at info; to a file, so that stdout keeps the one JSON line of figures.
  const log = pino({ level: 'info' }, destination({ dest: logFile, sync: false }));
  // As main.ts does; run.ts starts this process with the rest of the shipped heap flags.
  limitHeapGrowth();
  try {
    const { sim } = simulator;
    const config = parseConfig(
      {
        intercloud: [
          {
            name: 'soak',
            baseUrl: sim.url,
            interval: INTERVAL,
            discoveryInterval: '1m',
            concurrency: CONCURRENCY,
            auth: { personalAccessToken: sim.personalAccessToken },
          },
        ],
      },
      [intercloud],
      { env: {} },
    );
    const started = performance.now();
    const elapsed = () => (performance.now() - started) / 1000;
    const exporter = await startExporter({ config, log, host: '127.0.0.1', port: 0, startupJitterMs: 0 });
    const state = exporter.store.get('intercloud', 'soak')!;
    const memory: Array<{ t: number; rssMb: number; heapUsedMb: number; heapTotalMb: number; externalMb: number; series: number }> = [];
    const sampleMemory = () => {
      const m = process.memoryUsage();
      const point = {
        t: round(elapsed(), 1),
        rssMb: round(m.rss / MB, 1),
        heapUsedMb: round(m.heapUsed / MB, 1),
        heapTotalMb: round(m.heapTotal / MB, 1),
        externalMb: round(m.external / MB, 1),
        series: state.rendered.series,
      };
      memory.push(point);
      process.stderr.write(`soak ${JSON.stringify(point)}\n`);
    };
    const cycles: Array<{ durationMs: number; success: boolean }> = [];
    let lastSeen: number | undefined;
    const watchCycles = setInterval(() => {
      const last = state.last;
      if (!last || last.startedAt === lastSeen) return;
      lastSeen = last.startedAt;
      cycles.push({ durationMs: last.durationMs, success: last.success });
    }, 250);
    sampleMemory();
    const reporter = setInterval(sampleMemory, REPORT_EVERY_MS);
    try {
      await exporter.ready();
      const firstCycleSeconds = elapsed();
      const load0 = loadavg();
      const scraperOpts: ScraperOptions = {
        url: `${exporter.url}/metrics`,
        perSecond: SCRAPES_PER_SECOND,
        seconds: Math.max(1, (durationMs - firstCycleSeconds * 1000) / 1000),
        slowMs: 50,
      };
      const scrapes = await runBenchScript<ScraperFigures>('scraper.js', [JSON.stringify(scraperOpts)]);
      // The run ends on a report, so that the last half has its full share of samples.
      await delay(Math.max(0, durationMs - elapsed() * 1000));
      sampleMemory();
      const load1 = loadavg();

      const lastHalf = memory.filter((m) => m.t >= durationMs / 2000);
      // x in units of 10 minutes, so that the slope is in MB per 10 minutes.
      const fitLastHalf = (key: 'rssMb' | 'heapUsedMb') => fitLine(lastHalf.map((m) => [m.t / 600, m[key]] as const));
      const rssFit = fitLastHalf('rssMb');
      const rssSlope = round(rssFit.slope, 2);
      const peakRssMb = round(process.resourceUsage().maxRSS / 1024, 1);
      const durations = cycles
        .slice(1)
        .map((c) => c.durationMs)
        .sort((a, b) => a - b);
      const overruns = (await exporter.metrics.overruns.get()).values.reduce((n, v) => n + v.value, 0);
      const pass = rssSlope < 1 && peakRssMb < 300 && scrapes.p99Ms <= 50 && scrapes.failed === 0;
      return {
        minutes,
        queriesPerCycle: sim.groups * REGIONS,
        series: state.rendered.series,
        firstCycleSeconds: round(firstCycleSeconds, 1),
        cycles: cycles.length,
        cyclesFullySuccessful: cycles.filter((c) => c.success).length,
        cycleSecondsP50: round(percentile(durations, 50) / 1000, 1),
        cycleSecondsMax: round((durations[durations.length - 1] ?? NaN) / 1000, 1),
        overruns,
        memory,
        rssSlopeMbPer10Min: rssSlope,
        rssSlopeStdErrMbPer10Min: round(rssFit.stdErr, 2),
        heapUsedSlopeMbPer10Min: round(fitLastHalf('heapUsedMb').slope, 2),
        peakRssMb,
        scrapes,
        loadAverage: { atFirstScrape: load0.map((l) => round(l, 2)), atEnd: load1.map((l) => round(l, 2)) },
        log: logFile,
        bars: 'RSS plateaus (least-squares slope of the last half < 1 MB per 10 minutes) below 300 MB peak; scrape p99 <= 50 ms, none failed',
        pass,
      };
    } finally {
      clearInterval(reporter);
      clearInterval(watchCycles);
      await exporter.close();
    }
  } finally {
    log.flush();
    simulator.stop();
  }
}
