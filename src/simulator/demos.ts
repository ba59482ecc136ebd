import type { Logger } from '../log.js';
import type { FaultOptions } from './server.js';

export interface DemoOptions {
  seed: number;
  log: Logger;
  /** Faults every simulator injects (`npm run demo -- --latency-ms 200 --error-rate 0.05`). */
  faults: FaultOptions;
}

export interface DemoSetup {
  /** One target's config as a user would write it (raw JSON, validated like any config). */
  target: Record<string, unknown>;
  close(): Promise<void>;
}

/** How often the IX-API demo world moves its services one lifecycle step. */
const IXAPI_TICK_MS = 20_000;

/**
 * Each source kind's demo world, by kind. A simulator module is imported only
 * when its demo starts: the exporter itself never loads one.
 */
export const demos: Readonly<Record<string, (opts: DemoOptions) => Promise<DemoSetup>>> = {
  async intercloud({ seed, faults }) {
    const { IntercloudSimulator } = await import('./intercloud.js');
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
  },

  async gnocchi({ seed, faults }) {
    const { GnocchiSimulator } = await import('./gnocchi.js');
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
  },

  async astakos({ seed, log, faults }) {
    const { AstakosSimulator } = await import('./astakos.js');
    const sim = new AstakosSimulator({ seed, shape: 'released', users: 6, faults });
    await sim.listen();
    log.info({ baseUrl: sim.baseUrl, users: sim.users.length, components: sim.components }, 'Astakos simulator listening');
    return {
      target: {
        name: 'synnefo',
        baseUrl: sim.baseUrl,
        interval: '15s',
        auth: { token: sim.userToken(0), serviceTokens: sim.components.map((c) => ({ token: sim.serviceToken(c) })) },
      },
      close: () => sim.close(),
    };
  },

  async ixapi({ seed, log, faults }) {
    const { IxapiSimulator } = await import('./ixapi.js');
    const sim = new IxapiSimulator({ seed, services: 10, connections: 5, pagination: true, respawn: true, accessTtlSeconds: 300, faults });
    await sim.listen();
    sim.startClock(IXAPI_TICK_MS);
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
