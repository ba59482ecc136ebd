import { IxapiSimulator } from '../../src/simulator/ixapi/index.js';
import { serveUntilStopped } from './sim-lifetime.js';

/**
 * The IX-API simulator in a process of its own, so that a benchmark measures
 * the exporter's side alone. Prints one JSON line (URLs and credentials), then
 * serves until killed.
 */
const services = Number(process.argv[2] ?? 5000);
const connections = Number(process.argv[3] ?? 200);
const sim = new IxapiSimulator({ seed: 1, services, connections, pagination: true });
await sim.listen();
process.stdout.write(`${JSON.stringify({ baseUrl: sim.baseUrl, tokenUrl: sim.tokenUrl, credentials: sim.credentials })}\n`);
serveUntilStopped(() => sim.close());
