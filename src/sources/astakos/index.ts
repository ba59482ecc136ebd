import type { SourceDefinition } from '../types.js';
import { AstakosCollector } from './collector.js';
import { check, schema, type AstakosTarget } from './config.js';
import { families } from './families.js';

const astakos: SourceDefinition<AstakosTarget> = {
  kind: 'astakos',
  schema,
  defaults: { interval: '1m', concurrency: 4 },
  check,
  families: () => families,
  create: (target, { http }) => new AstakosCollector(target, http),
  async demo({ seed, log, faults }) {
    // Loaded on demand: a production exporter never needs the simulator.
    const { AstakosSimulator } = await import('../../simulator/astakos.js');
    const sim = new AstakosSimulator({ seed, shape: 'released', users: 6, faults });
    await sim.listen();
    log.info({ baseUrl: sim.baseUrl, users: sim.users.length, components: sim.components }, 'Astakos simulator listening');
    return {
      target: {
        name: 'synnefo',
        baseUrl: sim.baseUrl,
        interval: '15s',
        auth: {
          token: sim.userToken(0),
          serviceTokens: sim.components.map((c) => ({ token: sim.serviceToken(c) })),
        },
      },
      close: () => sim.close(),
    };
  },
};

export default astakos;
