import type { DemoOptions, DemoSetup } from '../demos.js';
import { IntercloudSimulator } from './index.js';

/** A reseller tree three levels deep, with odd names that need escaping. */
export async function demo({ seed, faults }: DemoOptions): Promise<DemoSetup> {
  const sim = new IntercloudSimulator({ seed, organisations: 36, depth: 3, groupsPerOrg: [1, 4], latencyMs: faults.latencyMs || 5, faults, oddNames: true });
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
