import { IntercloudSimulator } from '../../src/simulator/intercloud/index.js';
import { iso } from '../../src/simulator/intercloud/points.js';
import type { GoldenWorld } from '../golden.test.js';

/**
 * A reseller tree three levels deep whose values do not follow the clock
 * (`steady`), generated from a fixed seed with null, empty and odd-named
 * cases, plus one organisation and one group whose every number is chosen to
 * be checked by hand:
 * - group "Fixed \"G\" \\ 1": europe 8000 bit/s = 1000 B/s; japan's newest
 *   point null, the one before 16000 bit/s = 2000 B/s; pacific only nulls and
 *   latin-america empty: no series; allocatedCapacity 50000 kbit/s = 6250000 B/s;
 *   2 flow connectors, 1 flow link;
 * - its organisation: capacities europe 1 Gbit/s = 125000000 B/s as a list,
 *   japan null (no series).
 * Fixed points sit on the newest 5-minute step at least 5 minutes old, inside
 * the default 30m window; only their times, which the golden file masks,
 * depend on the clock. One request at a time: the tree is walked and the
 * groups' parts come in the order of the answers, which is then fixed too.
 */
export async function world(): Promise<GoldenWorld> {
  const sim = new IntercloudSimulator({
    seed: 2020,
    organisations: 5,
    depth: 3,
    groupsPerOrg: [1, 2],
    regionsPerGroup: [0, 3],
    nullRate: 0.15,
    emptyRate: 0.15,
    oddNames: true,
    steady: true,
  });
  const deepest = sim.organisations().reduce((a, b) => (sim.depthOf(b.id) > sim.depthOf(a.id) ? b : a));
  const org = sim.addOrganisation(deepest.id, 'Zürich "Fixed"\\Ops\nLtd', { groups: 0 });
  org.capacities = [
    { region: 'europe', capacity: 1_000_000 },
    { region: 'japan', capacity: null },
  ];
  const group = sim.addGroup(org.id, 'Fixed "G" \\ 1', ['europe', 'japan', 'pacific', 'latin-america']);
  group.allocatedCapacity = 50_000;
  group.countFlowConnectors = 2;
  group.countFlowLinks = 1;
  const step = 5 * 60_000;
  const t0 = Math.floor(Date.now() / step) * step - step;
  sim.setPoints(group.id, 'europe', [[iso(t0 - step), 4_000], [iso(t0), 8_000]]);
  sim.setPoints(group.id, 'japan', [[iso(t0 - step), 16_000], [iso(t0), null]]);
  sim.setPoints(group.id, 'pacific', [[iso(t0 - step), null], [iso(t0), null]]);
  sim.setPoints(group.id, 'latin-america', []);
  const baseUrl = await sim.listen();
  return { target: { baseUrl, concurrency: 1, auth: { personalAccessToken: sim.personalAccessToken } }, close: () => sim.close() };
}
