import type { Test } from 'tap';
import { startExporter, type Exporter } from '../../src/app.js';
import { parseConfig } from '../../src/config/load.js';
import type { Logger } from '../../src/log.js';
import type { Source } from '../../src/core/source.js';
import { captureLogger } from './log.js';

/**
 * Starts an exporter on 127.0.0.1:0 from a raw config (as a user writes it),
 * with first cycles at once; returns it with the captured log.
 */
export async function startTestExporter(
  raw: Record<string, unknown>,
  registry: readonly Source[],
  opts: { log?: Logger; startupJitterMs?: number } = {},
): Promise<{ exporter: Exporter; logText: () => string }> {
  const captured = captureLogger();
  const config = parseConfig({ log: { level: 'debug' }, ...raw }, registry, { env: {} });
  const exporter = await startExporter({
    config,
    log: opts.log ?? captured.log,
    host: '127.0.0.1',
    port: 0,
    startupJitterMs: opts.startupJitterMs ?? 0,
  });
  return { exporter, logText: captured.text };
}

/**
 * startTestExporter for one test: the exporter and the upstream it scrapes are
 * closed when the test ends, and it resolves once every first cycle is done.
 */
export async function startReadyExporter(
  t: Test,
  raw: Record<string, unknown>,
  registry: readonly Source[],
  upstream: { close(): Promise<void> },
): Promise<{ exporter: Exporter; logText: () => string }> {
  let started: Awaited<ReturnType<typeof startTestExporter>>;
  try {
    started = await startTestExporter(raw, registry);
  } catch (err) {
    // A refused config must not leave the upstream listening, or the test would never end.
    await upstream.close();
    throw err;
  }
  t.teardown(async () => {
    await started.exporter.close();
    await upstream.close();
  });
  await started.exporter.ready();
  return started;
}
