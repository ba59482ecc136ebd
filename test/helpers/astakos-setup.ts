import type { Test } from 'tap';
import astakos from '../../src/sources/astakos/index.js';
import { AstakosSimulator, type AstakosSimulatorOptions } from '../../src/simulator/astakos/index.js';
import type { ParsedSample } from './exposition.js';
import { startSource, type SourceHarness } from './source-harness.js';

/** An Astakos simulator (seed 7, 3 users unless told) and the generic harness running one target named `a` against it. */
export async function astakosSetup(
  t: Test,
  simOpts: AstakosSimulatorOptions,
  target: (sim: AstakosSimulator) => Record<string, unknown>,
): Promise<SourceHarness & { sim: AstakosSimulator }> {
  const sim = new AstakosSimulator({ seed: 7, users: 3, ...simOpts });
  await sim.listen();
  try {
    return { sim, ...(await startSource(t, astakos, { name: 'a', baseUrl: sim.baseUrl, ...target(sim) }, sim)) };
  } catch (err) {
    await sim.close();
    throw err;
  }
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
