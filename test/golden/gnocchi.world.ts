import { setTimeout as delay } from 'node:timers/promises';
import { GnocchiSimulator } from '../../src/simulator/gnocchi/index.js';
import type { GoldenWorld } from '../golden.test.js';

const STEP = 5 * 60_000;
const MINUTE = 60_000;

/**
 * Gnocchi 4.4 as measured (version 'legacy') behind Keystone, read with the
 * admin user's password: three seeded projects, and a project "golden" made
 * by hand, every number chosen to be checked by hand:
 * - web-1: 4 vCPUs since 50 minutes ago;
 * - web-2: 1 vCPU 40 minutes ago, resized to 2 twenty minutes ago;
 * - db "primary" \ café: 8 vCPUs, a display name that needs escaping;
 * - old: 4 vCPUs, deleted 10 minutes ago (its last point is the project's newest).
 * So golden's provisioned_vcpus is 4 + 2 + 8 = 14, and the seeded projects'
 * are their live instances' vCPUs (17, 4 and 2); vcpus_by_name shows each
 * live instance of golden by name. vcpus_newest_bucket (aggregate mode, the
 * seed document's query) is 6: what reported in the newest bucket of all, 10
 * minutes ago, was a seeded instance (2) and "old" at its deletion (4).
 *
 * The simulator's clock stands still on the start of the current 5-minute
 * bucket, so the exporter's window (one hour back from its own clock, from a
 * bucket boundary) holds the same points whenever the test runs; only the
 * timestamps, which the golden file masks, follow the clock.
 */
export async function world(): Promise<GoldenWorld> {
  const left = STEP - (Date.now() % STEP);
  if (left < 15_000) await delay(left + 100);
  const bucket = Math.floor(Date.now() / STEP) * STEP;
  let now = bucket;
  const sim = new GnocchiSimulator({ seed: 2014, projects: 3, instancesPerProject: [2, 4], version: 'legacy', now: () => now });
  const at = (minutesAgo: number) => {
    now = bucket - minutesAgo * MINUTE;
  };
  const golden = sim.addProject('golden');
  at(50);
  sim.createInstance(golden.id, 'm1.large', { displayName: 'web-1' });
  at(45);
  const old = sim.createInstance(golden.id, 'm1.large', { displayName: 'old' });
  at(40);
  const web2 = sim.createInstance(golden.id, 'm1.tiny', { displayName: 'web-2' });
  at(30);
  sim.createInstance(golden.id, 'm1.xlarge', { displayName: 'db "primary" \\ café' });
  at(20);
  sim.resizeInstance(web2.id, 2, 'm1.medium');
  at(10);
  sim.deleteInstance(old.id);
  at(0);
  await sim.listen();
  return {
    target: {
      auth: { keystone: { url: `${sim.keystone.url}/v3`, username: sim.admin.name, password: sim.admin.password, project: 'admin' } },
      queries: [
        { name: 'provisioned_vcpus' },
        { name: 'vcpus_by_name', search: `project_id='${golden.id}'`, groupBy: ['display_name'] },
        { name: 'vcpus_newest_bucket', mode: 'aggregate', groupBy: [] },
      ],
    },
    close: () => sim.close(),
  };
}
