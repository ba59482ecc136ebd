import type { Test } from 'tap';
import astakos from '../../src/sources/astakos/index.js';
import { AstakosSimulator, type AstakosSimulatorOptions } from '../../src/simulator/astakos/index.js';
import { scrape, type ParsedSample } from './exposition.js';
import { startReadyExporter } from './start.js';

/** An Astakos simulator and an exporter with one `astakos` target named `a` pointing at it. */
export async function astakosSetup(
  t: Test,
  simOpts: AstakosSimulatorOptions,
  target: (sim: AstakosSimulator) => Record<string, unknown>,
) {
  const sim = new AstakosSimulator({ seed: 7, users: 3, ...simOpts });
  await sim.listen();
  const { exporter, logText } = await startReadyExporter(
    t,
    { astakos: [{ name: 'a', baseUrl: sim.baseUrl, interval: '1h', retries: 0, ...target(sim) }] },
    [astakos],
    sim,
  );
  const state = () => exporter.store.get('astakos', 'a')!;
  return {
    sim,
    exporter,
    logText,
    /** Errors of the last cycle. */
    errors: () => state().last?.errors ?? [],
    cycle: () => exporter.runCycle('astakos', 'a'),
    samples: async () => (await scrape(exporter.url)).samples,
  };
}

/** The value of the one series of `name` with exactly these labels (besides target), or undefined. */
export function value(samples: ParsedSample[], name: string, labels: Record<string, string>): number | undefined {
  const found = samples.filter(
    (s) => s.name === name && Object.keys(s.labels).length === Object.keys(labels).length + 1 && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new Error(`${found.length} series of ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

export function astakosSamples(samples: ParsedSample[], name?: string): ParsedSample[] {
  return samples.filter((s) => (name ? s.name === name : s.name.startsWith('astakos_')));
}

/** Series identities (name and labels) that occur more than once. */
export function duplicates(samples: ParsedSample[]): string[] {
  const seen = new Set<string>();
  const dup: string[] = [];
  for (const s of samples) {
    const id = `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`;
    if (seen.has(id)) dup.push(id);
    seen.add(id);
  }
  return dup;
}
