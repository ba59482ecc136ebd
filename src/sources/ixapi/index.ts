import { IxapiSimulator } from '../../simulator/ixapi.js';
import type { SourceDefinition } from '../types.js';
import { createCollector } from './collector.js';
import { check, schema, type IxapiTarget } from './config.js';
import { FAMILIES } from './families.js';

/** How often the demo world moves its services one lifecycle step. */
const DEMO_TICK_MS = 20_000;

const ixapi: SourceDefinition<IxapiTarget> = {
  kind: 'ixapi',
  schema,
  defaults: { interval: '1m', concurrency: 4 },
  check,
  families: () => FAMILIES,
  create: createCollector,
  async demo({ seed, log, faults }) {
    const sim = new IxapiSimulator({ seed, services: 10, connections: 5, pagination: true, respawn: true, accessTtlSeconds: 300, faults });
    await sim.listen();
    sim.startClock(DEMO_TICK_MS);
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
  },
};

export default ixapi;
