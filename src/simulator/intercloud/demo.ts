import type { DemoOptions, DemoSetup } from '../demos.js';
import { IntercloudSimulator } from './index.js';

/**
 * A reseller tree three levels deep, with odd names that need escaping; about
 * half of the groups have an allocated capacity (most use part of it, a few
 * nearly all or more) and half of the organisations capacities per region, so
 * that the used-vs-allocated rules and panels have data.
 */
export async function demo({ seed, faults }: DemoOptions): Promise<DemoSetup> {
  const sim = new IntercloudSimulator({
    seed,
    organisations: 36,
    depth: 3,
    groupsPerOrg: [1, 4],
    allocatedShare: 0.5,
    capacitiesShare: 0.5,
    latencyMs: faults.latencyMs || 5,
    faults,
    oddNames: true,
  });
  const baseUrl = await sim.listen();
  return {
    target: {
      name: 'intercloud-demo',
      baseUrl,
      interval: '30s',
      discoveryInterval: '5m',
      auth: { username: sim.username, password: sim.password, basicToken: sim.basicToken },
    },
    close: () => sim.close(),
  };
}
