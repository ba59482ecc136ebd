import { setMaxListeners } from 'node:events';
import { pino } from 'pino';
import { HttpClient } from '../../../src/core/http.js';
import { SelfMetrics } from '../../../src/core/selfmetrics.js';
import { SimServer } from '../../../src/simulator/server.js';
import { round } from '../stats.js';
import { setTimeout as delay } from 'node:timers/promises';

const RATE = 50;
const WINDOW_MS = 10_000;

/**
 * With requestsPerSecond R and far more work queued than R allows, the rate
 * the upstream sees over a 10 s window stays within 5 % of R and never above
 * it. The most arrivals in any sliding second is reported too: loopback
 * jitter can move one interval's requests into the next second.
 */
export default async function (): Promise<Record<string, unknown>> {
  const sim = new SimServer();
  const arrivals: number[] = [];
  sim.route('GET', '/x', () => {
    arrivals.push(performance.now());
    return { body: {} };
  });
  const baseUrl = await sim.listen();
  const http = new HttpClient({
    source: 'bench',
    target: 'rate',
    baseUrl,
    timeoutMs: 5000,
    retries: 0,
    maxResponseBytes: 1 << 20,
    concurrency: 16,
    requestsPerSecond: RATE,
    metrics: new SelfMetrics('bench'),
    log: pino({ level: 'silent' }),
  });
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const started = performance.now();
  const work = Array.from({ length: RATE * 15 }, () => http.request({ path: '/x', route: '/x', signal: stop.signal }).catch(() => undefined));
  await delay(WINDOW_MS + 500);
  stop.abort();
  await Promise.all(work);
  await http.close();
  await sim.close();

  const inWindow = arrivals.filter((a) => a - started < WINDOW_MS);
  const achieved = inWindow.length / (WINDOW_MS / 1000);
  let maxPerSecond = 0;
  for (let i = 0, j = 0; i < arrivals.length; i++) {
    while (arrivals[i]! - arrivals[j]! >= 1000) j++;
    maxPerSecond = Math.max(maxPerSecond, i - j + 1);
  }
  const deviation = (achieved - RATE) / RATE;
  return {
    limit: RATE,
    achievedPerSecond: round(achieved),
    deviationPercent: round(deviation * 100),
    maxInAnySecond: maxPerSecond,
    bars: 'achieved over 10 s within 5 % of the limit and never above it',
    pass: deviation <= 0 && deviation >= -0.05,
  };
}
