import { IXAPI_STATES, IxapiSimulator } from '../../src/simulator/ixapi/index.js';
import type { GoldenWorld } from '../golden.test.js';

/** When every date of the world was made: decommission dates and status timestamps do not follow the clock. */
const WORLD_TIME = Date.UTC(2025, 5, 2, 9, 30);

const message = (severity: number, tag: string) => ({ severity, tag, message: tag.replace(/_/g, ' '), attrs: {}, timestamp: '2025-06-01T08:00:00Z' });

/**
 * Twelve network services, one in each of the schema's eleven states and one
 * in a state it does not name; their configs; three connections. Beside what
 * the states bring (status messages, decommission dates), by hand: a null
 * capacity, status messages of every kind of severity (one outside syslog's
 * eight), configs and connections with messages and decommission dates, no
 * allocation limit, no speed, and label values that need escaping. The lists
 * are read in pages the server caps below page_limit, answered 206.
 */
export async function world(): Promise<GoldenWorld> {
  const sim = new IxapiSimulator({ seed: 2025, services: 12, connections: 3, worldTime: WORLD_TIME, pagination: true, maxPageSize: 4 });
  const services = [...sim.services.values()];
  [...IXAPI_STATES, 'pending_customer_action'].forEach((state, i) => sim.world.setState(services[i]!, state));
  const byState = (state: string) => services.find((s) => s.state === state)!;
  byState('decommissioned').decommissionAt = '2025-05-30';
  byState('archived').decommissionAt = '2025-04-30T17:45:00';
  Object.assign(byState('pending_customer_action'), {
    capacity: null,
    productOffering: 'aws-dx.eu-west-1.AMS "legacy" \\ 2019',
    status: [message(0, 'power_loss'), message(1, 'fibre_cut'), message(2, 'port_down'), message(7, 'trace'), message(9, 'vendor_specific')],
  });

  const configs = [...sim.configs.values()];
  Object.assign(configs[0]!, { state: 'error', status: [message(3, 'vlan_in_use'), message(4, 'vlan_in_use_soon')], decommissionAt: '2025-07-01' });

  const [first, second, third] = [...sim.connections.values()];
  Object.assign(first!, { name: 'Cloud "Access" \\ AMS\nport 2', pop: 'pop-zürich-1' });
  sim.world.decommissionConnection(second!, 30);
  Object.assign(third!, { speed: null, capacityAllocationLimit: null, status: [message(4, 'optics_degraded')] });

  await sim.listen();
  return {
    target: {
      baseUrl: sim.baseUrl,
      pageLimit: 5,
      auth: { tokenUrl: sim.tokenUrl, clientId: sim.credentials.clientId, clientSecret: sim.credentials.clientSecret },
    },
    close: () => sim.close(),
  };
}
