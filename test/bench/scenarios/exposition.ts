import { pino } from 'pino';
import { request } from 'undici';
import { SelfMetrics } from '../../../src/core/selfmetrics.js';
import { CycleResult, type Sample } from '../../../src/core/series.js';
import { SnapshotStore } from '../../../src/core/snapshot.js';
import { buildServer } from '../../../src/server.js';
import { gauge } from '../../../src/core/family.js';
import { defineSource, type TargetConfig } from '../../../src/core/source.js';
import { percentile, round, rssMb } from '../stats.js';
import { setTimeout as delay } from 'node:timers/promises';

const SCRAPES = 500;

const used = gauge('intercloud_group_used_capacity_bytes_per_second', 'Used capacity.', ['organisation_id', 'group_id', 'region']);
const usedAt = gauge('intercloud_group_used_capacity_timestamp_seconds', 'Time of the data point.', ['organisation_id', 'group_id', 'region']);

/** Only the store's view of a source: its kind and families; nothing here collects. */
const def = defineSource({
  kind: 'bench',
  schema: {},
  families: () => [used, usedAt],
  createAuth: () => undefined,
  createCollector: () => {
    throw new Error('the exposition benchmark feeds the store directly');
  },
});

/**
 * Series shaped like InterCloud's: organisations x 5 groups x 5 regions x 2
 * metrics (2,000 organisations = 100,000 series), one part per organisation,
 * yielding between parts as a collector waiting on upstream answers does.
 */
/** `pauseMs` between parts stands for the upstream waits of a real cycle; -1 only yields. */
async function cycle(orgs: number, tick: number, pauseMs = -1): Promise<CycleResult> {
  const result = new CycleResult({ target: 'bench' });
  for (let org = 0; org < orgs; org++) {
    if (pauseMs >= 0) await delay(pauseMs);
    else if (org % 20 === 0) await new Promise((r) => setImmediate(r));
    const samples: Sample[] = [];
    for (let g = 0; g < 5; g++) {
      for (let r = 0; r < 5; r++) {
        const labels = {
          organisation_id: `org-${org}`,
          organisation: `Organisation "${org}" GmbH`,
          group_id: `grp-${org}-${g}`,
          group: `group ${g}`,
          region: `eu-west-${r}`,
        };
        samples.push({ name: 'intercloud_group_used_capacity_bytes_per_second', labels, value: (org * 7 + g * 3 + r + tick) * 125_000 });
        samples.push({ name: 'intercloud_group_used_capacity_timestamp_seconds', labels, value: 1_763_900_000 + tick });
      }
    }
    result.ok(`org/${org}`, samples);
  }
  return result;
}

async function timeScrapes(url: string, headers: Record<string, string>): Promise<{ p50: number; p99: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < SCRAPES; i++) {
    const t0 = performance.now();
    const res = await request(url, { headers });
    const body = Buffer.from(await res.body.arrayBuffer());
    times.push(performance.now() - t0);
    bytes = body.length;
  }
  times.sort((a, b) => a - b);
  return { p50: round(percentile(times, 50)), p99: round(percentile(times, 99)), bytes };
}

async function measureSwap(orgs: number): Promise<{ series: number; partRenderMs: number; swapMsMedian: number; swapMsMax: number }> {
  const store = new SnapshotStore(new SelfMetrics('bench'), pino({ level: 'silent' }));
  const state = store.add(def, { name: 'bench', interval: 300_000 } as TargetConfig, 0);
  await store.apply(state, { result: await cycle(orgs, 0) }, Date.now());
  const swaps: number[] = [];
  let partRender = 0;
  for (let i = 1; i <= 5; i++) {
    const t0 = performance.now();
    const result = await cycle(orgs, i);
    partRender += performance.now() - t0;
    // A real cycle's parts arrive over seconds of upstream waits, in which V8
    // collects the cycle's garbage; this loop has none, so give it a moment.
    await delay(200);
    const t1 = performance.now();
    await store.apply(state, { result }, Date.now());
    swaps.push(performance.now() - t1);
  }
  swaps.sort((a, b) => a - b);
  return {
    series: state.rendered.series,
    partRenderMs: round(partRender / 5),
    swapMsMedian: round(percentile(swaps, 50)),
    swapMsMax: round(swaps[swaps.length - 1]!),
  };
}

/**
 * Swap (render) cost at 10k and 100k series, and scrape latency at 100k
 * series while cycles keep producing and swapping snapshots in the background.
 */
export default async function (): Promise<Record<string, unknown>> {
  const log = pino({ level: 'silent' });
  const metrics = new SelfMetrics('bench');
  const store = new SnapshotStore(metrics, log);
  const state = store.add(def, { name: 'bench', interval: 300_000 } as TargetConfig, 0);
  await store.apply(state, { result: await cycle(2000, 0) }, Date.now());
  const server = buildServer({
    config: { host: '127.0.0.1', port: 0, auth: { bearerToken: '', basic: { username: '', password: '' } } },
    store,
    metrics,
    log,
    version: 'bench',
  });
  await server.listen({ host: '127.0.0.1', port: 0 });
  const address = server.addresses()[0] as { port: number };
  const url = `http://127.0.0.1:${address.port}/metrics`;

  const stopped = new AbortController();
  let backgroundSwaps = 0;
  const background = (async () => {
    for (let tick = 1; !stopped.signal.aborted; tick++) {
      // 2,000 parts over a few seconds, then a swap: a 100k-series cycle far shorter than any real one.
      await store.apply(state, { result: await cycle(2000, tick, 1) }, Date.now());
      backgroundSwaps += 1;
    }
  })();
  const gzip = await timeScrapes(url, { 'accept-encoding': 'gzip' });
  // Read before the plain scrapes, whose 20 MB bodies this same process receives as the client.
  const peakRss = round(process.resourceUsage().maxRSS / 1024, 1);
  const plain = await timeScrapes(url, {});
  stopped.abort();
  await background;
  (globalThis as { gc?: () => void }).gc?.();
  const rss = rssMb();
  await server.close();
  const small = await measureSwap(200);
  const large = await measureSwap(2000);

  const pass = large.swapMsMedian <= 150 && gzip.p50 < 10 && gzip.p99 < 30 && peakRss < 250;
  return {
    swap10k: small,
    swap100k: large,
    scrapeGzipMs: gzip,
    scrapePlainMs: plain,
    cyclesSwappedDuringScrapes: backgroundSwaps,
    rssMbAfterScrapes: rss,
    peakRssMbServing100k: peakRss,
    bars: 'swap of 100k series <= 150 ms; gzip scrape (as Prometheus asks) p50 < 10 ms, p99 < 30 ms with cycles running; peak RSS < 250 MB',
    pass,
  };
}
