import { setTimeout as delay } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { percentile } from './stats.js';

/**
 * A Prometheus stand-in in a process of its own: scrapes `url` asking for
 * gzip, `perSecond` times a second on a fixed schedule, one scrape at a time
 * (Prometheus never overlaps the scrapes of one target; a scrape still
 * running when the next is due delays it, and is counted as late), for
 * `seconds`. A scrape's time runs from its request to the last byte of its
 * body; the body is not decompressed, which is the scraper's own cost.
 *
 * argv[2]: JSON of ScraperOptions. Prints one JSON line of ScraperFigures.
 */
export interface ScraperOptions {
  url: string;
  perSecond: number;
  seconds: number;
  /** Scrapes slower than this get their time and moment (seconds since the start) listed. */
  slowMs: number;
}

export interface ScraperFigures {
  scrapes: number;
  failed: number;
  late: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Scrapes over slowMs: [seconds since start, ms], the first 50. */
  slow: Array<[number, number]>;
  /** p99 in each 30 s of the run, to tell a steady tail from one bad moment. */
  p99MsBy30s: number[];
  /** Compressed size of the last answer. */
  bytes: number;
  errors: string[];
}

const opts = JSON.parse(process.argv[2]!) as ScraperOptions;
const agent = new Agent({ keepAliveTimeout: 60_000, connections: 1 });
const every = 1000 / opts.perSecond;
const times: number[] = [];
const windows: number[][] = [];
const slow: Array<[number, number]> = [];
const errors: string[] = [];
let failed = 0;
let late = 0;
let bytes = 0;

const start = performance.now();
for (let i = 0; ; i++) {
  const due = start + i * every;
  const now = performance.now();
  if (now - start >= opts.seconds * 1000) break;
  if (due > now) await delay(due - now);
  else if (now - due > every) late += 1;
  const t0 = performance.now();
  try {
    const res = await request(opts.url, { dispatcher: agent, headers: { 'accept-encoding': 'gzip', accept: 'text/plain;version=0.0.4' } });
    const body = Buffer.from(await res.body.arrayBuffer());
    if (res.statusCode !== 200 || res.headers['content-encoding'] !== 'gzip')
      throw new Error(`HTTP ${res.statusCode}, content-encoding ${String(res.headers['content-encoding'])}`);
    bytes = body.length;
  } catch (err) {
    failed += 1;
    if (errors.length < 10) errors.push((err as Error).message);
    continue;
  }
  const ms = performance.now() - t0;
  times.push(ms);
  const at = (t0 - start) / 1000;
  (windows[Math.floor(at / 30)] ??= []).push(ms);
  if (ms > opts.slowMs && slow.length < 50) slow.push([Math.round(at * 10) / 10, Math.round(ms * 10) / 10]);
}
await agent.close();

const sorted = (list: number[]) => [...list].sort((a, b) => a - b);
const all = sorted(times);
const round = (n: number) => Math.round(n * 100) / 100;
const figures: ScraperFigures = {
  scrapes: times.length,
  failed,
  late,
  p50Ms: round(percentile(all, 50)),
  p99Ms: round(percentile(all, 99)),
  maxMs: round(all[all.length - 1] ?? NaN),
  slow,
  p99MsBy30s: windows.map((w) => round(percentile(sorted(w), 99))),
  bytes,
  errors,
};
process.stdout.write(`${JSON.stringify(figures)}\n`);
