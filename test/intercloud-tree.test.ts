import t from 'tap';
import { find } from './helpers/exposition.js';
import { startIntercloud } from './helpers/intercloud-harness.js';

const INFO = 'intercloud_organisation_info';
const USED = 'intercloud_group_used_capacity_bytes_per_second';

t.test('nested resellers: the whole tree, depth >= 3, with parents and reseller flags', async (t) => {
  const h = await startIntercloud(t, { organisations: 12, depth: 4, groupsPerOrg: 1, regionsPerGroup: 1 });
  const orgs = h.sim.organisations();
  t.ok(Math.max(...orgs.map((o) => h.sim.depthOf(o.id))) >= 3, 'the simulator nests at least three levels');
  const info = find(await h.samples(), INFO);
  t.equal(info.length, orgs.length, 'one info series per organisation');
  for (const org of orgs) {
    const s = info.find((i) => i.labels.organisation_id === org.id);
    t.same(s?.labels, { target: 'ic', organisation_id: org.id, organisation: org.name, parent_id: org.parentId, reseller: String(org.reseller) });
  }
  const deepest = orgs.reduce((a, b) => (h.sim.depthOf(b.id) > h.sim.depthOf(a.id) ? b : a));
  t.ok(find(await h.samples(), USED, { organisation_id: deepest.id }).length > 0, 'values of the deepest organisation');
});

t.test('InterCloud-Scope on every request about a child, never on the own organisation', async (t) => {
  const h = await startIntercloud(t, { organisations: 8, depth: 3, groupsPerOrg: 2, regionsPerGroup: 2 });
  const ownerOfIrn = new Map(h.sim.groups().map((g) => [g.irn, g.organisationId]));
  const root = h.sim.root.id;
  let checked = 0;
  for (const r of h.sim.server.log) {
    const scope = r.headers['intercloud-scope'];
    let about: string | undefined;
    const irn = /^\/metrics\/query\/irn\/([^/]+)/.exec(r.path)?.[1];
    if (irn) about = ownerOfIrn.get(decodeURIComponent(irn));
    else if (r.path.startsWith('/organisations/')) about = r.path.split('/')[2];
    else if (r.path === '/groups') about = scope === undefined ? root : String(scope);
    else continue;
    checked += 1;
    if (about === root) t.equal(scope, undefined, `${r.path}: own organisation, no scope`);
    else t.equal(scope, about, `${r.path}: scope is the organisation asked about`);
  }
  t.ok(checked > h.sim.groups().length * 2, `${checked} requests checked`);
});

t.test('discovery is cached: a normal cycle only runs /run queries', async (t) => {
  const h = await startIntercloud(t, { organisations: 4, groupsPerOrg: 1, regionsPerGroup: 2 }, { discoveryInterval: '1h' });
  const mark = h.sim.server.log.length;
  await h.cycle();
  const second = h.sim.server.log.slice(mark);
  t.equal(second.length, h.sim.groups().length * 2);
  t.ok(
    second.every((r) => r.path.endsWith('/run')),
    'only /run',
  );
});

t.test('discovery is refreshed once discoveryInterval has passed', async (t) => {
  const h = await startIntercloud(t, { organisations: 4, groupsPerOrg: 1, regionsPerGroup: 2 }, { discoveryInterval: '1ms' });
  const mark = h.sim.server.log.length;
  await h.cycle();
  const paths = h.sim.server.log.slice(mark).map((r) => r.path);
  t.ok(paths.includes('/me/info') && paths.includes('/groups') && paths.some((p) => /^\/metrics\/query\/irn\/[^/]+$/.test(p)), 'rediscovered');
});

t.test('regions are discovered from the timeserie metrics, not hard-coded', async (t) => {
  const h = await startIntercloud(t, { organisations: 2, groupsPerOrg: 1, regionsPerGroup: 0 }, { discoveryInterval: '1ms' });
  t.equal(find(await h.samples(), USED).length, 0, 'groups without regions yield no values');
  const group = h.sim.organisations()[1]!.groups[0]!;
  h.sim.setMetrics(group.id, ['mars', { name: 'bgp-session', type: 'status' }, 'europe']);
  await h.cycle();
  const used = find(await h.samples(), USED, { group_id: group.id });
  t.same(used.map((u) => u.labels.region).sort(), ['europe', 'mars']);
  t.equal(h.sim.server.hits(/\/bgp-session\/run$/), 0, 'status metrics are not run');
});

t.test('maxDepth stops the walk; the own organisation can be left out', async (t) => {
  const h = await startIntercloud(t, { organisations: 8, depth: 4, groupsPerOrg: 1, regionsPerGroup: 1 }, { maxDepth: 1, includeOwnOrganisation: false });
  const s = await h.samples();
  const expected = h.sim.organisations().filter((o) => h.sim.depthOf(o.id) <= 1);
  t.same(
    find(s, INFO)
      .map((i) => i.labels.organisation_id)
      .sort(),
    expected.map((o) => o.id).sort(),
  );
  t.equal(find(s, 'intercloud_group_info', { organisation_id: h.sim.root.id }).length, 0, 'own groups left out');
  t.ok(find(s, 'intercloud_group_info').length > 0);
  t.match(h.logText(), /resellers at maxDepth: their children are not walked/);
  t.equal(h.sim.server.log.filter((r) => r.path === '/groups' && r.headers['intercloud-scope'] === undefined).length, 0);
});

t.test('maxDepth 0: only the own organisation', async (t) => {
  const h = await startIntercloud(t, { organisations: 4, groupsPerOrg: 1, regionsPerGroup: 1 }, { maxDepth: 0 });
  const s = await h.samples();
  t.same(
    find(s, INFO).map((i) => i.labels.organisation_id),
    [h.sim.root.id],
  );
  t.equal(h.sim.server.log.filter((r) => r.headers['intercloud-scope'] !== undefined).length, 0, 'no request about a child');
});

t.test('a loop in the tree is walked once', async (t) => {
  const h = await startIntercloud(t, { organisations: 6, depth: 3, groupsPerOrg: 1, regionsPerGroup: 1 }, { discoveryInterval: '1ms' });
  const orgs = h.sim.organisations();
  const deepest = orgs.reduce((a, b) => (h.sim.depthOf(b.id) > h.sim.depthOf(a.id) ? b : a));
  h.sim.linkChild(deepest.id, h.sim.root.id);
  h.sim.linkChild(deepest.id, orgs[1]!.id);
  await h.cycle();
  const s = await h.samples();
  t.equal(find(s, 'capacity_exporter_collect_success', { target: 'ic' })[0]!.value, 1);
  const ids = find(s, INFO).map((i) => i.labels.organisation_id);
  t.equal(ids.length, orgs.length);
  t.equal(new Set(ids).size, ids.length, 'each organisation once');
  t.match(h.logText(), /seen twice in the tree/);
});
