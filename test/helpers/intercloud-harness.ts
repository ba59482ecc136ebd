import type { Test } from 'tap';
import { IntercloudSimulator, type IntercloudSimOptions } from '../../src/simulator/intercloud/index.js';
import intercloud from '../../src/sources/intercloud/index.js';
import { find, scrape, type ParsedSample } from './exposition.js';
import { startReadyExporter } from './start.js';

export const registry = [intercloud];

/**
 * A simulator and an exporter with one InterCloud target `ic` scraping it
 * (PAT auth unless `target.auth` says otherwise), first cycle done.
 */
export async function startIntercloud(t: Test, simOpts: IntercloudSimOptions = {}, target: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  const sim = new IntercloudSimulator({ seed: 7, organisations: 6, depth: 3, groupsPerOrg: [1, 2], nullRate: 0, emptyRate: 0, ...simOpts });
  const baseUrl = await sim.listen();
  const { exporter, logText } = await startReadyExporter(
    t,
    {
      intercloud: [{ name: 'ic', baseUrl, interval: '1h', retries: 0, auth: { personalAccessToken: sim.personalAccessToken }, ...target }],
      ...extra,
    },
    registry,
    sim,
  );
  return {
    sim,
    exporter,
    logText,
    cycle: () => exporter.runCycle('intercloud', 'ic'),
    samples: async (): Promise<ParsedSample[]> => (await scrape(exporter.url)).samples,
  };
}

export function values(samples: ParsedSample[], name: string, labels: Record<string, string> = {}): ParsedSample[] {
  return find(samples, name, labels);
}

/** A 5-minute boundary safely before now, so fixed points fall inside a 30m window ending now. */
export function recentStep(minutesBack = 5): number {
  const step = 5 * 60_000;
  return Math.floor(Date.now() / step) * step - minutesBack * 60_000;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
