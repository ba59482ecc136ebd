import t, { type Test } from 'tap';
import { pino } from 'pino';
import { Scheduler } from '../src/core/scheduler.js';
import { SelfMetrics } from '../src/core/selfmetrics.js';
import { CycleResult } from '../src/core/series.js';
import { SnapshotStore } from '../src/core/snapshot.js';
import type { TargetConfig } from '../src/core/source.js';
import { FakeUpstream, FAKE_TOKEN, fakeSource } from './helpers/fake-source.js';
import { find, scrape } from './helpers/exposition.js';
import { startTestExporter } from './helpers/start.js';
import { setTimeout as sleep } from 'node:timers/promises';

async function setup(t: Test, target: Record<string, unknown>, delayMs: number) {
  const up = new FakeUpstream(2);
  up.itemDelayMs = delayMs;
  const url = await up.listen();
  const { exporter, logText } = await startTestExporter({ fake: [{ name: 'f', baseUrl: url, retries: 0, auth: { token: FAKE_TOKEN }, ...target }] }, [
    fakeSource,
  ]);
  t.teardown(async () => {
    await exporter.close();
    await up.close();
  });
  return { up, exporter, logText };
}

t.test('cycles never overlap; an overrun is counted and the next cycle starts when the late one ends', async (t) => {
  const { up, exporter, logText } = await setup(t, { interval: '200ms', cycleTimeout: '2s' }, 350);
  // The list request opens each cycle: poll the simulator's request log to time cycle starts.
  const starts: number[] = [];
  const timer = setInterval(() => {
    while (starts.length < up.sim.hits('/items')) starts.push(Date.now());
  }, 5);
  await exporter.ready();
  await sleep(1000);
  clearInterval(timer);
  t.ok(starts.length >= 2 && starts.length <= 4, `about one cycle per 350 ms, got ${starts.length}`);
  for (let i = 1; i < starts.length; i++) {
    const gap = starts[i]! - starts[i - 1]!;
    t.ok(gap >= 300, `cycle ${i} started ${gap} ms after the previous: no overlap`);
  }
  const s = await scrape(exporter.url);
  t.ok(find(s.samples, 'capacity_exporter_cycle_overruns_total', { target: 'f' })[0]!.value >= 1);
  t.match(logText(), /overran its interval/);
});

t.test('the cycle deadline cuts a slow cycle short', async (t) => {
  const { exporter } = await setup(t, { interval: '1h', cycleTimeout: '300ms' }, 2000);
  const started = Date.now();
  await exporter.ready();
  const took = Date.now() - started;
  t.ok(took < 1500, `first cycle ended after ${took} ms`);
  const s = await scrape(exporter.url);
  t.equal(find(s.samples, 'capacity_exporter_collect_success', { target: 'f' })[0]?.value, 0);
  t.ok(find(s.samples, 'capacity_exporter_collect_duration_seconds', { target: 'f' })[0]!.value < 1.5);
});

t.test('shutdown cancels a cycle in flight', async (t) => {
  const up = new FakeUpstream(2);
  up.itemDelayMs = 2500;
  const url = await up.listen();
  t.teardown(() => up.close());
  const { exporter } = await startTestExporter({ fake: [{ name: 'f', baseUrl: url, interval: '1h', auth: { token: FAKE_TOKEN } }] }, [fakeSource]);
  await sleep(200);
  t.equal(up.sim.hits(/^\/items\/\d$/), 2, 'item requests in flight');
  const started = Date.now();
  await exporter.close();
  t.ok(Date.now() - started < 1500, `closed in ${Date.now() - started} ms`);
});

t.test('start-up jitter spreads first cycles within min(jitter, interval)', async (t) => {
  const metrics = new SelfMetrics('test');
  const log = pino({ level: 'silent' });
  const store = new SnapshotStore(metrics, log);
  const firstStart = new Map<string, number>();
  const mk = (name: string, interval: number) => ({
    state: store.add(fakeSource, { name, interval } as TargetConfig, 0),
    collector: {
      async collect() {
        if (!firstStart.has(name)) firstStart.set(name, Date.now());
        return new CycleResult({ target: name });
      },
    },
  });
  const scheduler = new Scheduler({ store, metrics, log, startupJitterMs: 400, random: () => 0.99 });
  scheduler.add(mk('a', 3_600_000));
  scheduler.add(mk('b', 100));
  const begun = Date.now();
  scheduler.start();
  t.teardown(() => scheduler.stop());
  await scheduler.firstCyclesDone();
  const a = firstStart.get('a')! - begun;
  const b = firstStart.get('b')! - begun;
  t.ok(b >= 90 && b < 250, `short-interval target capped by its interval (${b} ms)`);
  t.ok(a >= 380, `long-interval target jittered by up to 400 ms (${a} ms)`);
});
