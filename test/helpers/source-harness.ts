import type { Test } from 'tap';
import type { Exporter } from '../../src/app.js';
import type { Source } from '../../src/core/source.js';
import type { TargetState } from '../../src/core/snapshot.js';
import { scrape, type ParsedSample, type Scrape } from './exposition.js';
import { startReadyExporter } from './start.js';

/** What a harness stops when the test ends: a simulator, or several behind one close(). */
export interface Upstream {
  close(): Promise<void>;
}

// Functions, not methods: tests destructure them.
export interface SourceHarness {
  exporter: Exporter;
  logText: () => string;
  /** The store's view of the target: its parts, last cycle and series count. */
  state: () => TargetState;
  /** Errors of the target's last cycle. */
  errors: () => string[];
  /** Runs one more cycle now; resolves once its snapshot is swapped in. */
  cycle: () => Promise<void>;
  scrape: () => Promise<Scrape>;
  samples: () => Promise<ParsedSample[]>;
}

/**
 * The one way a source's tests run it: an exporter on 127.0.0.1:0 with one
 * target of `source` written as a user would (`interval` 1h and `retries` 0
 * unless the target says otherwise), its first cycle done. The exporter and
 * the upstream are closed when the test ends.
 */
export async function startSource(
  t: Test,
  source: Source,
  target: Record<string, unknown>,
  upstream: Upstream,
  extra: Record<string, unknown> = {},
): Promise<SourceHarness> {
  const raw = { name: source.kind, interval: '1h', retries: 0, ...target };
  const name = raw.name;
  const { exporter, logText } = await startReadyExporter(t, { [source.kind]: [raw], ...extra }, [source], upstream);
  const state = () => exporter.store.get(source.kind, name)!;
  return {
    exporter,
    logText,
    state,
    errors: () => state().last?.errors ?? [],
    cycle: () => exporter.runCycle(source.kind, name),
    scrape: () => scrape(exporter.url),
    samples: async () => (await scrape(exporter.url)).samples,
  };
}
