import t from 'tap';
import { iso } from '../src/simulator/intercloud/points.js';
import { find } from './helpers/exposition.js';
import { recentStep, startIntercloud } from './helpers/intercloud-harness.js';

const ALLOCATED = 'intercloud_group_allocated_capacity_bytes_per_second';
const CAPACITY = 'intercloud_organisation_capacity_bytes_per_second';
const USED = 'intercloud_group_used_capacity_bytes_per_second';
/** Worlds without generated capacities: each test sets the ones it checks. */
const bare = { allocatedShare: 0, capacitiesShare: 0 };

t.test("a group's allocatedCapacity: kbit/s to bytes per second, one series per group; null gives none", async (t) => {
  const h = await startIntercloud(t, { ...bare, organisations: 3, groupsPerOrg: 2, regionsPerGroup: 2 }, { discoveryInterval: '1ms' });
  const [own, child] = h.sim.organisations();
  const [a, b] = child!.groups;
  a!.allocatedCapacity = 50_000;
  b!.allocatedCapacity = '100000';
  own!.groups[0]!.allocatedCapacity = 0;
  await h.cycle();
  const s = await h.samples();
  t.same(
    find(s, ALLOCATED, { group_id: a!.id }),
    [{ name: ALLOCATED, labels: { target: 'ic', organisation_id: child!.id, group_id: a!.id }, value: 6_250_000 }],
    '50 Mbit/s',
  );
  t.equal(find(s, ALLOCATED, { group_id: b!.id })[0]?.value, 12_500_000, 'a numeric string is a number');
  t.equal(find(s, ALLOCATED, { group_id: own!.groups[0]!.id })[0]?.value, 0, 'zero is a value (the rules leave it out of the ratio)');
  t.equal(find(s, ALLOCATED).length, 3, 'groups whose allocatedCapacity is null have no series');
  t.same(h.errors(), []);
});

t.test('countFlowConnectors and countFlowLinks, as the other counts', async (t) => {
  const h = await startIntercloud(t, { ...bare, organisations: 2, groupsPerOrg: 1, regionsPerGroup: 1 }, { discoveryInterval: '1ms' });
  const group = h.sim.organisations()[1]!.groups[0]!;
  group.countFlowConnectors = 3;
  group.countFlowLinks = 2;
  await h.cycle();
  const s = await h.samples();
  const ids = { target: 'ic', organisation_id: group.organisationId, group_id: group.id };
  t.same(find(s, 'intercloud_group_flow_connectors', { group_id: group.id }), [{ name: 'intercloud_group_flow_connectors', labels: ids, value: 3 }]);
  t.same(find(s, 'intercloud_group_flow_links', { group_id: group.id }), [{ name: 'intercloud_group_flow_links', labels: ids, value: 2 }]);
  t.equal(find(s, 'intercloud_group_flow_links').length, h.sim.groups().length, 'one series per group');
});

t.test('organisation capacities per region, in either shape, for the own organisation, resellers and the others', async (t) => {
  const h = await startIntercloud(t, { ...bare, organisations: 6, depth: 3, groupsPerOrg: 1, regionsPerGroup: 1 }, { discoveryInterval: '1ms' });
  const orgs = h.sim.organisations();
  const reseller = orgs.find((o) => o !== h.sim.root && o.children.length > 0)!;
  const leaf = orgs.find((o) => o.children.length === 0)!;
  h.sim.root.capacities = { europe: 1_000_000, japan: null };
  reseller.capacities = [
    { region: 'pacific', capacity: 2_000_000 },
    { region: 'europe', capacity: '500000' },
  ];
  leaf.capacities = [
    { name: 'north-america', capacity: 100_000 },
    { region: 'japan', capacity: null },
  ];
  await h.cycle();
  const s = await h.samples();
  const of = (org: { id: string }) => find(s, CAPACITY, { organisation_id: org.id }).map((c) => [c.labels.region, c.value]);
  t.same(of(h.sim.root), [['europe', 125_000_000]], 'object of region -> kbit/s; a null region has no series');
  t.same(
    of(reseller).sort(),
    [
      ['europe', 62_500_000],
      ['pacific', 250_000_000],
    ],
    'list of {region, capacity}',
  );
  t.same(of(leaf), [['north-america', 12_500_000]], 'the region may be called name');
  t.same(Object.keys(find(s, CAPACITY)[0]!.labels).sort(), ['organisation_id', 'region', 'target']);
  t.equal(find(s, CAPACITY).length, 4, 'organisations whose capacities are null have none');
  const asked = h.sim.server.log.filter((r) => r.path === `/organisations/${leaf.id}`);
  t.ok(asked.length > 0 && asked.every((r) => r.headers['intercloud-scope'] === leaf.id), 'an organisation without children is asked for with its scope');
  t.same(h.errors(), []);
});

t.test('capacities are discovery data: read again at each discovery, not at every cycle', async (t) => {
  const h = await startIntercloud(t, { ...bare, organisations: 3, groupsPerOrg: 1, regionsPerGroup: 1 }, { discoveryInterval: '1h' });
  const org = h.sim.organisations()[2]!;
  org.capacities = { europe: 1_000 };
  org.groups[0]!.allocatedCapacity = 1_000;
  const mark = h.sim.server.log.length;
  await h.cycle();
  t.ok(
    h.sim.server.log.slice(mark).every((r) => r.path.endsWith('/run')),
    'a value cycle only runs /run',
  );
  t.equal(find(await h.samples(), ALLOCATED).length, 0, 'not seen before the next discovery');
  t.equal(find(await h.samples(), CAPACITY).length, 0);
});

t.test("capacityUnit states the portal's unit", async (t) => {
  for (const [unit, bytes] of [
    ['Mbps', 6_250_000],
    ['kbps', 6_250],
    ['bps', 6.25],
  ] as const) {
    const h = await startIntercloud(t, { ...bare, organisations: 1, groupsPerOrg: 1, regionsPerGroup: 1 }, { discoveryInterval: '1ms', capacityUnit: unit });
    h.sim.root.groups[0]!.allocatedCapacity = 50;
    h.sim.root.capacities = { europe: 50 };
    await h.cycle();
    const s = await h.samples();
    t.equal(find(s, ALLOCATED)[0]?.value, bytes, `allocatedCapacity 50 ${unit}`);
    t.equal(find(s, CAPACITY)[0]?.value, bytes, `capacity 50 ${unit}`);
  }
});

t.test('a malformed allocatedCapacity: a clear error; the allocated capacities of its organisation kept, nothing else lost', async (t) => {
  const h = await startIntercloud(t, { ...bare, organisations: 3, groupsPerOrg: 2, regionsPerGroup: 1 }, { discoveryInterval: '1ms' });
  const [, org, other] = h.sim.organisations();
  const [bad, sibling] = org!.groups;
  bad!.allocatedCapacity = 10_000;
  sibling!.allocatedCapacity = 20_000;
  other!.groups[0]!.allocatedCapacity = 30_000;
  await h.cycle();
  const before = await h.samples();
  t.equal(find(before, ALLOCATED).length, 3);

  const t0 = recentStep();
  const region = bad!.metrics[0]!.name;
  h.sim.setPoints(bad!.id, region, [[iso(t0), 8_000]]);
  other!.groups[0]!.allocatedCapacity = 40_000;
  for (const odd of [{ value: 5 }, 'lots', -1, true]) {
    bad!.allocatedCapacity = odd;
    await h.cycle();
    const s = await h.samples();
    t.match(
      h.errors(),
      [new RegExp(`organisation ${org!.id}: /groups: group ${bad!.id}: unexpected response: \\$\\[0\\]\\.allocatedCapacity should be a capacity`)],
      `${JSON.stringify(odd)}: named`,
    );
    t.same(
      find(s, ALLOCATED, { organisation_id: org!.id }),
      find(before, ALLOCATED, { organisation_id: org!.id }),
      "its organisation's allocated capacities kept",
    );
    t.equal(find(s, ALLOCATED, { group_id: other!.groups[0]!.id })[0]?.value, 5_000_000, 'other organisations updated');
    t.equal(find(s, USED, { group_id: bad!.id, region })[0]?.value, 1_000, "the group's used capacity still updated");
    t.equal(find(s, 'intercloud_group_info', { group_id: bad!.id }).length, 1);
  }
  t.equal(find(await h.samples(), 'capacity_exporter_collect_success', { target: 'ic' })[0]!.value, 0);
});

t.test('malformed capacities: a clear error of that organisation; its previous capacities kept, nothing else lost', async (t) => {
  const h = await startIntercloud(t, { ...bare, organisations: 3, depth: 1, groupsPerOrg: 1, regionsPerGroup: 1 }, { discoveryInterval: '1ms' });
  const [own, org, other] = h.sim.organisations();
  own!.capacities = { europe: 8 };
  org!.capacities = { europe: 16 };
  other!.capacities = { europe: 24 };
  await h.cycle();
  const before = await h.samples();
  t.equal(find(before, CAPACITY).length, 3);
  other!.capacities = { europe: 32 };
  const cases: Array<[unknown, RegExp]> = [
    ['lots', /\$\.capacities should be an object of region -> capacity or a list of \{region, capacity\}, got the string "lots"/],
    [{ europe: { gbps: 1 } }, /\$\.capacities\.europe should be a capacity \(a number >= 0\), got an object/],
    [[{ region: 'europe' }, { capacity: 5 }], /\$\.capacities\[1\] has no region \(region or name\)/],
    [
      [
        { region: 'europe', capacity: 1 },
        { region: 'europe', capacity: 2 },
      ],
      /\$\.capacities\[1\]: region europe is given twice/,
    ],
    [[7], /\$\.capacities\[0\] should be an object, got number 7/],
  ];
  for (const [odd, message] of cases) {
    org!.capacities = odd;
    await h.cycle();
    const s = await h.samples();
    t.equal(h.errors().length, 1, JSON.stringify(odd));
    t.match(h.errors()[0], new RegExp(`^organisation ${org!.id}: /organisations/:id: unexpected response: ${message.source}`));
    t.same(find(s, CAPACITY, { organisation_id: org!.id }), find(before, CAPACITY, { organisation_id: org!.id }), 'its capacities kept');
    t.equal(find(s, CAPACITY, { organisation_id: other!.id })[0]?.value, 4_000, 'other organisations updated');
    t.equal(find(s, 'intercloud_organisation_info', { organisation_id: org!.id }).length, 1, 'the organisation itself is still there');
    t.equal(find(s, 'intercloud_group_info', { organisation_id: org!.id }).length, 1, 'and its groups');
  }
  org!.capacities = null;
  await h.cycle();
  t.same(h.errors(), [], 'healed');
  t.equal(find(await h.samples(), CAPACITY, { organisation_id: org!.id }).length, 0, 'null now: no series');
});

t.test("an organisation that cannot be read keeps its capacities; a reseller's malformed capacities do not stop the walk", async (t) => {
  const h = await startIntercloud(t, { ...bare, organisations: 5, depth: 3, groupsPerOrg: 1, regionsPerGroup: 1 }, { discoveryInterval: '1ms' });
  const orgs = h.sim.organisations();
  const reseller = orgs.find((o) => o !== h.sim.root && o.children.length > 0)!;
  const leaf = orgs.find((o) => o.children.length === 0)!;
  reseller.capacities = { europe: 8 };
  leaf.capacities = { japan: 16 };
  await h.cycle();
  const before = await h.samples();
  h.sim.server.faults.failPaths = [{ pattern: new RegExp(`^/organisations/${leaf.id}$`), status: 503 }];
  reseller.capacities = 'oops';
  await h.cycle();
  const s = await h.samples();
  t.same(
    find(s, CAPACITY)
      .map((c) => c.labels.region)
      .sort(),
    ['europe', 'japan'],
    'both kept',
  );
  t.equal(find(s, 'intercloud_organisation_info').length, orgs.length, 'the whole tree walked');
  t.equal(find(s, USED).length, find(before, USED).length, 'every used capacity still there');
  t.equal(h.errors().length, 2);
  h.sim.server.faults.failPaths = [];
  reseller.capacities = null;
  await h.cycle();
  t.same(h.errors(), []);
  t.same(
    find(await h.samples(), CAPACITY).map((c) => c.labels.region),
    ['japan'],
  );
});
