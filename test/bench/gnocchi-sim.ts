import { GnocchiSimulator } from '../../src/simulator/gnocchi/index.js';
import { serveUntilStopped } from './sim-lifetime.js';

/**
 * The Gnocchi and Keystone simulators in a process of their own, so that a
 * benchmark measures the exporter's side alone. Prints one JSON line (URLs and
 * credentials), then serves until killed.
 */
const projects = Number(process.argv[2] ?? 100);
const perProject = Number(process.argv[3] ?? 50);
const sim = new GnocchiSimulator({ seed: 1, projects, instancesPerProject: [perProject, perProject] });
await sim.listen();
let expected = 0;
for (const v of sim.liveVcpusByProject().values()) expected += v;
process.stdout.write(
  `${JSON.stringify({ keystoneUrl: sim.keystone.url, username: sim.admin.name, password: sim.admin.password, instances: sim.instances.length, expectedVcpus: expected })}\n`,
);
serveUntilStopped(() => sim.close());
