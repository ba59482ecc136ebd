import { Agent, type Dispatcher } from 'undici';
import { limitHeapGrowth } from '../../src/heap.js';
import { IntercloudSimulator, type IntercloudSimOptions } from '../../src/simulator/intercloud/index.js';

/**
 * The floor the exporter's per-query CPU is compared with: the InterCloud
 * /run queries of one cycle sent with undici alone, in a process of its own,
 * against the benchmark's simulator. The same paths, headers, timeouts,
 * pool and concurrency as the exporter's; of each answer, the status read
 * (as any client must; undici gives it with the headers, parsed) and the
 * body gathered and JSON-parsed, nothing else. An answer other than 200
 * counts as failed. The query list comes from a copy of the
 * simulator's world (the same seed makes the same world), never listening.
 *
 * argv[2]: JSON of BareLoopOptions. Prints one JSON line of BareLoopFigures.
 */
export interface BareLoopOptions {
  sim: IntercloudSimOptions;
  url: string;
  personalAccessToken: string;
  userAgent: string;
  concurrency: number;
  timeoutMs: number;
  windowMs: number;
  /** Queries sent first and not measured, so that the measured ones run on warm code as the exporter's value cycle does. */
  warmup: number;
}

export interface BareLoopFigures {
  queries: number;
  failed: number;
  seconds: number;
  cpuMicros: number;
  /** Of which in the kernel. */
  systemMicros: number;
  /** Page faults, each a page of memory the process touched for the first time. */
  minorFaults: number;
}

interface Query {
  path: string;
  headers: Record<string, string>;
}

// The exporter's heap, flags and growth alike: the comparison is like for like.
limitHeapGrowth();
const opts = JSON.parse(process.argv[2]!) as BareLoopOptions;
const world = new IntercloudSimulator(opts.sim);
const root = world.organisations()[0]!;
const now = Date.now();
const window = `start-d=${encodeURIComponent(rfc3339(now - opts.windowMs))}&end-d=${encodeURIComponent(rfc3339(now))}`;
const queries: Query[] = [];
for (const org of world.organisations()) {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'user-agent': opts.userAgent,
    authorization: `Bearer ${opts.personalAccessToken}`,
  };
  // The own organisation is the caller's: no scope header, as the exporter sends none.
  if (org !== root) headers['intercloud-scope'] = org.id;
  for (const group of org.groups) {
    for (const metric of group.metrics) queries.push({ path: `/metrics/query/irn/${group.irn}/${metric.name}/run?${window}`, headers });
  }
}

const origin = new URL(opts.url).origin;
const agent = new Agent({ connect: { timeout: opts.timeoutMs }, keepAliveTimeout: 30_000, connections: opts.concurrency + 2 });
let failed = 0;

function query(q: Query): Promise<void> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let status = 0;
    const handler: Dispatcher.DispatchHandler = {
      // undici tells the handler API apart from the legacy one by this method.
      onRequestStart: () => {},
      onResponseStart: (_c, code) => void (status = code),
      onResponseData: (_c, chunk) => void chunks.push(chunk),
      onResponseEnd: () => {
        JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (status !== 200) failed += 1;
        resolve();
      },
      onResponseError: () => {
        failed += 1;
        resolve();
      },
    };
    agent.dispatch({ origin, path: q.path, method: 'GET', headers: q.headers, headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs }, handler);
  });
}

async function run(list: readonly Query[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < list.length) await query(list[next++]!);
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
}

await run(queries.slice(0, opts.warmup));
failed = 0;
const faults0 = process.resourceUsage().minorPageFault;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await run(queries);
const cpu = process.cpuUsage(cpu0);
const minorFaults = process.resourceUsage().minorPageFault - faults0;
const figures: BareLoopFigures = {
  queries: queries.length,
  failed,
  seconds: (performance.now() - t0) / 1000,
  cpuMicros: cpu.user + cpu.system,
  systemMicros: cpu.system,
  minorFaults,
};
process.stdout.write(`${JSON.stringify(figures)}\n`);
await agent.close();

function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
