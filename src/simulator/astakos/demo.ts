import type { DemoOptions, DemoSetup } from '../demos.js';
import { AstakosSimulator } from './index.js';

/** Released Synnefo's API with a user token and one service token per component. */
export async function demo({ seed, log, faults }: DemoOptions): Promise<DemoSetup> {
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
}
