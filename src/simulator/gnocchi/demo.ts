import type { DemoOptions, DemoSetup } from '../demos.js';
import { GnocchiSimulator } from './index.js';

/** Five projects behind Keystone, the Gnocchi endpoint found in the catalog. */
export async function demo({ seed, faults }: DemoOptions): Promise<DemoSetup> {
  const sim = new GnocchiSimulator({ seed, projects: 5, instancesPerProject: [2, 8], faults });
  await sim.listen();
  return {
    target: {
      name: 'vhi',
      interval: '30s',
      auth: { keystone: { url: `${sim.keystone.url}/v3`, username: sim.admin.name, password: sim.admin.password, project: 'admin' } },
    },
    close: () => sim.close(),
  };
}
