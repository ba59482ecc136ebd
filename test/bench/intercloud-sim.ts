import { IntercloudSimulator, type IntercloudSimOptions } from '../../src/simulator/intercloud/index.js';
import { serveUntilStopped } from './sim-lifetime.js';

/**
 * The InterCloud simulator in a process of its own, so that a benchmark
 * measures the exporter's CPU alone. Options as JSON in argv[2]; prints one
 * JSON line with the URL and the PAT, then serves until stopped.
 */
const opts = JSON.parse(process.argv[2] ?? '{}') as IntercloudSimOptions;
const sim = new IntercloudSimulator(opts);
const url = await sim.listen();
sim.server.maxLog = 0;
process.stdout.write(
  `${JSON.stringify({ url, personalAccessToken: sim.personalAccessToken, organisations: sim.organisations().length, groups: sim.groups().length })}\n`,
);
serveUntilStopped(() => sim.close());
