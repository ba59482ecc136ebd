import { parseArgs } from 'node:util';
import { startExporter } from './app.js';
import { DEMO_USAGE } from './cli/usage.js';
import { ConfigError, parseConfig } from './config/load.js';
import { createLogger } from './log.js';
import { demos, type DemoSetup } from './simulator/demos.js';
import type { FaultOptions } from './simulator/server.js';
import { sources } from './sources/registry.js';

function exit(message: string, code: number): never {
  (code === 0 ? process.stdout : process.stderr).write(message.endsWith('\n') ? message : `${message}\n`);
  process.exit(code);
}

function flags() {
  try {
    return parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: process.env.CAPACITY_EXPORTER_PORT ?? '0' },
        seed: { type: 'string', default: '42' },
        'log-level': { type: 'string', default: process.env.CAPACITY_EXPORTER_LOG_LEVEL ?? 'info' },
        'latency-ms': { type: 'string', default: '0' },
        'error-rate': { type: 'string', default: '0' },
        'too-many-rate': { type: 'string', default: '0' },
        'retry-after-seconds': { type: 'string', default: '1' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (err) {
    exit(`${(err as Error).message}\n\n${DEMO_USAGE}`, 2);
  }
}

function number(text: string, flag: string, max = Infinity): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > max) exit(`${flag} must be a number from 0 to ${max}, not "${text}"\n\n${DEMO_USAGE}`, 2);
  return n;
}

/**
 * `npm run demo`: every source's simulator on a loopback ephemeral port, and
 * the exporter scraping them, so the whole thing can be tried without any
 * upstream account. Fault flags make every simulator slow or flaky, to watch
 * retries, staleness and the exporter-health dashboard at work.
 */
async function main(): Promise<void> {
  const args = flags();
  if (args.help) exit(DEMO_USAGE, 0);
  const faults: FaultOptions = {
    latencyMs: number(args['latency-ms'], '--latency-ms'),
    errorRate: number(args['error-rate'], '--error-rate', 1),
    tooManyRate: number(args['too-many-rate'], '--too-many-rate', 1),
    retryAfterSeconds: number(args['retry-after-seconds'], '--retry-after-seconds'),
  };
  const seed = number(args.seed, '--seed');
  const port = number(args.port, '--port', 65535);
  const log = createLogger({ level: args['log-level'] });
  const setups: Array<DemoSetup & { kind: string }> = [];
  for (const { kind } of sources) {
    const demo = demos[kind];
    if (!demo) continue;
    setups.push({ ...(await demo({ seed, log: log.child({ simulator: kind }), faults })), kind });
  }
  const raw: Record<string, unknown> = {
    server: { host: args.host, port },
    log: { level: args['log-level'] },
    collection: { startupJitter: '1s' },
  };
  for (const s of setups) ((raw[s.kind] ??= []) as unknown[]).push(s.target);

  let exporter;
  try {
    exporter = await startExporter({ config: parseConfig(raw, sources), log });
  } catch (err) {
    if (err instanceof ConfigError) exit(`demo configuration is invalid:\n  ${err.problems.join('\n  ')}`, 2);
    throw err;
  }
  process.stdout.write(`capacity-exporter demo: metrics at ${exporter.url}/metrics (sources: ${setups.map((s) => s.kind).join(', ') || 'none'})\n`);

  const stop = async () => {
    await exporter.close();
    await Promise.allSettled(setups.map((s) => s.close()));
    log.flush(() => process.exit(0));
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`capacity-exporter demo: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
