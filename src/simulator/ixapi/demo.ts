import type { DemoOptions, DemoSetup } from '../demos.js';
import { IxapiSimulator } from './index.js';

/** How often the demo world moves its services one lifecycle step. */
const TICK_MS = 20_000;

/** Services that move through their lifecycle, read in small pages that the server caps below what is asked. */
export async function demo({ seed, log, faults }: DemoOptions): Promise<DemoSetup> {
  const sim = new IxapiSimulator({ seed, services: 10, connections: 5, pagination: true, maxPageSize: 3, respawn: true, accessTtlSeconds: 300, faults });
  // A connection on its way out, so that the dashboard's decommission table has a row from the start.
  sim.world.decommissionConnection([...sim.connections.values()][1]!, 30);
  await sim.listen();
  sim.startClock(TICK_MS);
  log.info({ baseUrl: sim.baseUrl, services: sim.services.size, connections: sim.connections.size }, 'IX-API simulator listening');
  return {
    target: {
      name: 'ixapi-demo',
      baseUrl: sim.baseUrl,
      interval: '15s',
      pageLimit: 4,
      auth: { tokenUrl: sim.tokenUrl, clientId: sim.credentials.clientId, clientSecret: sim.credentials.clientSecret },
    },
    close: () => sim.close(),
  };
}
