import { AstakosSimulator } from '../../src/simulator/astakos/index.js';
import { serveUntilStopped } from './sim-lifetime.js';

/**
 * The Astakos simulator in a process of its own, so that a benchmark measures
 * the exporter's side alone. Prints one JSON line (base URL and tokens), then
 * serves until killed.
 */
const users = Number(process.argv[2] ?? 2000);
const projects = Number(process.argv[3] ?? 20);
const sim = new AstakosSimulator({ seed: 1, shape: 'released', users, projects });
await sim.listen();
process.stdout.write(
  `${JSON.stringify({ baseUrl: sim.baseUrl, userToken: sim.userToken(0), serviceTokens: sim.components.map((c) => sim.serviceToken(c)) })}\n`,
);
serveUntilStopped(() => sim.close());
