import type { Test } from 'tap';
import { GnocchiSimulator, type GnocchiSimulatorOptions } from '../../src/simulator/gnocchi/index.js';
import gnocchi from '../../src/sources/gnocchi/index.js';
import { scrape, type ParsedSample } from './exposition.js';
import { startTestExporter } from './start.js';

export const registry = [gnocchi];

export async function startSim(t: Test, opts: GnocchiSimulatorOptions = {}): Promise<GnocchiSimulator> {
  const sim = new GnocchiSimulator({ seed: 7, projects: 3, instancesPerProject: [3, 6], ...opts });
  await sim.listen();
  t.teardown(() => sim.close());
  return sim;
}

/** Keystone password credentials of the simulator's admin user, scoped to project admin. */
export function adminPassword(sim: GnocchiSimulator): Record<string, unknown> {
  return { keystone: { url: `${sim.keystone.url}/v3`, username: sim.admin.name, password: sim.admin.password, project: 'admin' } };
}

/**
 * An exporter with one `gnocchi` target `g` (first cycle done); `target` holds
 * the target's keys besides name (auth, queries, baseUrl ...).
 */
export async function startGnocchi(t: Test, sim: GnocchiSimulator, target: Record<string, unknown>) {
  const { exporter, logText } = await startTestExporter({ gnocchi: [{ name: 'g', interval: '1h', retries: 0, ...target }] }, registry);
  t.teardown(() => exporter.close());
  await exporter.ready();
  const state = () => exporter.store.get('gnocchi', 'g')!;
  return {
    exporter,
    logText,
    errors: () => state().last?.errors ?? [],
    cycle: () => exporter.runCycle('gnocchi', 'g'),
    samples: async (): Promise<ParsedSample[]> => (await scrape(exporter.url)).samples,
  };
}

/** `name` samples as a map from the value of `label` to the value. */
export function byLabel(samples: ParsedSample[], name: string, label = 'project_id'): Map<string, number> {
  return new Map(samples.filter((s) => s.name === name).map((s) => [s.labels[label] ?? '', s.value]));
}

export function sum(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
