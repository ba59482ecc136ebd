import type { Test } from 'tap';
import { IntercloudSimulator, type IntercloudSimOptions } from '../../src/simulator/intercloud/index.js';
import intercloud from '../../src/sources/intercloud/index.js';
import { startSource, type SourceHarness } from './source-harness.js';

interface IntercloudHarness extends SourceHarness {
  sim: IntercloudSimulator;
}

/**
 * The generic source harness on an InterCloud simulator (seed 7, six
 * organisations three deep, one or two groups each, no null or empty data
 * unless `simOpts` says otherwise) with one target `ic`, PAT auth unless
 * `target.auth` says otherwise.
 */
export async function startIntercloud(
  t: Test,
  simOpts: IntercloudSimOptions = {},
  target: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Promise<IntercloudHarness> {
  const sim = new IntercloudSimulator({ seed: 7, organisations: 6, depth: 3, groupsPerOrg: [1, 2], nullRate: 0, emptyRate: 0, ...simOpts });
  const baseUrl = await sim.listen();
  // Closed even when the exporter refuses the config; startSource closes it too once it has started.
  t.teardown(() => sim.close());
  const h = await startSource(t, intercloud, { name: 'ic', baseUrl, auth: { personalAccessToken: sim.personalAccessToken }, ...target }, sim, extra);
  return { ...h, sim };
}

/** A 5-minute boundary safely before now, so fixed points fall inside a 30m window ending now. */
export function recentStep(minutesBack = 5): number {
  const step = 5 * 60_000;
  return Math.floor(Date.now() / step) * step - minutesBack * 60_000;
}
