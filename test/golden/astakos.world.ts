import { AstakosSimulator, UNLIMITED } from '../../src/simulator/astakos/index.js';
import type { GoldenWorld } from '../golden.test.js';

const GiB = 2n ** 30n;

/**
 * Released Synnefo with three users, read with user 0's token and every
 * component's service token. Besides the seeded edge cases (user 0 at its
 * cyclades.vm limit and over its pithos.diskspace limit, user 1 with unlimited
 * RAM, two pending commissions), by hand:
 * - "lab", shared by all three: limits the project reaches before a member
 *   does (cyclades.vm: 6 for the project, 5 per member, 5 used), a project
 *   over its limit (cyclades.cpu: 10 used of 8), unlimited at both levels
 *   (cyclades.ram), a finite limit above 2^53 (pithos.diskspace: 2^60+1);
 * - "archive", whose members all left: visible only through
 *   /service_project_quotas, with what they left in use;
 * - a resource description and a resource name that need escaping.
 */
export async function world(): Promise<GoldenWorld> {
  const sim = new AstakosSimulator({ seed: 2013, shape: 'released', users: 3, projects: 0 });
  const lab = sim.addProject({
    members: [0, 1, 2],
    limits: { 'cyclades.vm': 6n, 'cyclades.cpu': 8n, 'cyclades.ram': UNLIMITED, 'pithos.diskspace': 2n ** 60n + 1n },
  });
  const holdings: Array<[number, string, { limit?: bigint; usage: bigint }]> = [
    [0, 'cyclades.vm', { limit: 5n, usage: 1n }],
    [1, 'cyclades.vm', { limit: 5n, usage: 4n }],
    [0, 'cyclades.cpu', { limit: UNLIMITED, usage: 2n }],
    [1, 'cyclades.cpu', { limit: 4n, usage: 4n }],
    [2, 'cyclades.cpu', { limit: 4n, usage: 4n }],
    [0, 'cyclades.ram', { limit: UNLIMITED, usage: 6n * GiB }],
    [2, 'pithos.diskspace', { limit: 100n * GiB, usage: 30n * GiB }],
  ];
  for (const [user, resource, values] of holdings) sim.setHolding(user, lab.id, resource, values);
  sim.issueCommission({ user: 2, source: lab.id, resource: 'pithos.diskspace', quantity: 5n * GiB });
  sim.addProject({ limits: { 'cyclades.vm': 20n, 'pithos.diskspace': UNLIMITED }, retained: { 'cyclades.vm': 3n, 'pithos.diskspace': 7n * GiB } });

  sim.resources.get('cyclades.disk')!.description = 'Disk of "gold" tier \\ SSD\nper VM';
  sim.resources.set('pithos.legacy "v1"', { name: 'pithos.legacy "v1"', component: 'pithos', unit: 'bytes', description: 'Quota of the old storage service', base: 0n });

  await sim.listen();
  return {
    target: { baseUrl: sim.baseUrl, auth: { token: sim.userToken(0), serviceTokens: sim.components.map((c) => ({ token: sim.serviceToken(c) })) } },
    close: () => sim.close(),
  };
}
