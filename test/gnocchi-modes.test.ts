import t from 'tap';
import type { GnocchiSimulator } from '../src/simulator/gnocchi/index.js';
import { find } from './helpers/exposition.js';
import { adminPassword, bucketOf, byLabel, newestBucketSum, perProject, postAggregates, startGnocchi, startSim, sum, VCPUS } from './helpers/gnocchi-setup.js';

const STEP = 300_000;
const live = (sim: GnocchiSimulator) => sim.instances.filter((i) => i.endedAt === null);

t.test("latest-per-resource is exact on sparse data; aggregate (the seed's form) undercounts it", async (t) => {
  const sim = await startSim(t, { projects: 4, instancesPerProject: [4, 8] });
  const g = await startGnocchi(t, sim, {
    auth: adminPassword(sim),
    queries: [
      { name: 'vcpus_latest', mode: 'latest-per-resource' },
      { name: 'vcpus_aggregate', mode: 'aggregate' },
    ],
  });
  t.same(g.errors(), []);
  const s = await g.samples();
  const latest = byLabel(s, 'gnocchi_vcpus_latest');
  const aggregate = byLabel(s, 'gnocchi_vcpus_aggregate');
  t.same(latest, sim.liveVcpusByProject(), 'each live instance counted once, whenever it last reported');
  const expectedAggregate = perProject(sim, sim.instances, (of) => newestBucketSum(of).value);
  t.same(aggregate, expectedAggregate, 'aggregate mode: the newest bucket of the summed series');
  t.ok(sum(aggregate.values()) < sum(latest.values()) / 2, `aggregate total ${sum(aggregate.values())} is far below the true ${sum(latest.values())}`);
  // Whatever the bucket alignment: two live instances whose last points are more than a bucket apart cannot both be in the newest one.
  const spread = perProject(sim, live(sim), (of) => Math.max(...of.map((i) => i.points.at(-1)!.at)) - Math.min(...of.map((i) => i.points.at(-1)!.at)));
  t.ok(
    [...spread.values()].every((ms) => ms > STEP),
    'in every project, live instances last reported more than 5 minutes apart',
  );
  t.ok(
    [...latest].every(([p, v]) => aggregate.get(p)! < v),
    'so every project is undercounted in aggregate mode',
  );

  const stamps = byLabel(s, 'gnocchi_vcpus_latest_timestamp_seconds');
  const expectedStamps = perProject(sim, live(sim), (of) => Math.max(...of.map((i) => bucketOf(i.points.at(-1)!.at))) / 1000);
  t.same(stamps, expectedStamps, 'timestamp: the newest point behind each sum');
  t.same(
    byLabel(s, 'gnocchi_vcpus_aggregate_timestamp_seconds'),
    perProject(sim, sim.instances, (of) => newestBucketSum(of).at / 1000),
  );

  const call = sim.server.log.filter((r) => r.path === '/v1/aggregates').map((r) => new URL(r.url, 'http://x').searchParams);
  const latestCall = call.find((q) => q.getAll('groupby').includes('id'))!;
  t.same(latestCall.getAll('groupby'), ['id', 'project_id']);
  t.equal(latestCall.get('granularity'), '300');
  t.equal(latestCall.get('needed_overlap'), '0');
  t.equal(latestCall.get('details'), 'false');
  const start = Date.parse(latestCall.get('start')!);
  const stop = Date.parse(latestCall.get('stop')!);
  t.equal(start % STEP, 0, 'the window starts on a bucket boundary');
  t.ok(stop - start >= 3_600_000 && stop - start < 3_600_000 + STEP, 'one hour back, plus the rest of its bucket');
});

t.test('deleted instances are excluded at once; new and resized ones counted', async (t) => {
  const sim = await startSim(t, { projects: 4, instancesPerProject: [4, 8] });
  const g = await startGnocchi(t, sim, { auth: adminPassword(sim) });
  t.ok(
    sim.instances.some((i) => i.endedAt !== null && i.points.some((p) => p.at > Date.now() - 3_600_000)),
    'the world has instances deleted within the look-back',
  );
  const project = sim.projects[1]!.id;
  const before = byLabel(await g.samples(), 'gnocchi_provisioned_vcpus').get(project)!;
  const victim = live(sim).find((i) => i.projectId === project)!;
  sim.deleteInstance(victim.id);
  const added = sim.createInstance(project, 'm1.xlarge');
  // One whose last point is in an earlier bucket: Gnocchi's mean would average the two sizes within one.
  const resized = live(sim).find((i) => i.projectId === project && i.id !== added.id && bucketOf(i.points.at(-1)!.at) < bucketOf(Date.now()))!;
  const old = resized.vcpus;
  sim.resizeInstance(resized.id, old + 16);
  await g.cycle();
  t.same(g.errors(), []);
  const after = byLabel(await g.samples(), 'gnocchi_provisioned_vcpus');
  t.equal(after.get(project), before - victim.vcpus + 8 + 16, 'deleted instance gone although its last point is the newest');
  t.same(after, sim.liveVcpusByProject());
});

t.test('plain shape (no groupby) and extra group-by labels', async (t) => {
  const sim = await startSim(t);
  const g = await startGnocchi(t, sim, {
    auth: adminPassword(sim),
    queries: [
      { name: 'total_aggregate', mode: 'aggregate', groupBy: [] },
      { name: 'total_latest', groupBy: [] },
      { name: 'vcpus_by_flavor', groupBy: ['project_id', 'flavor_name'] },
    ],
  });
  t.same(g.errors(), []);
  const s = await g.samples();
  const total = find(s, 'gnocchi_total_aggregate');
  t.equal(total.length, 1);
  t.same(total[0]!.labels, { target: 'g' }, 'no group-by labels');
  t.equal(total[0]!.value, newestBucketSum(sim.instances).value);
  t.same(
    find(s, 'gnocchi_total_latest').map((x) => [x.labels, x.value]),
    [[{ target: 'g' }, sum(sim.liveVcpusByProject().values())]],
  );
  const byFlavor = find(s, 'gnocchi_vcpus_by_flavor');
  const expected = new Map<string, number>();
  for (const i of live(sim)) expected.set(`${i.projectId}/${i.flavorName}`, (expected.get(`${i.projectId}/${i.flavorName}`) ?? 0) + i.vcpus);
  t.same(new Map(byFlavor.map((x) => [`${x.labels.project_id}/${x.labels.flavor_name}`, x.value])), expected);
  const plainCall = sim.server.log.find((r) => r.path === '/v1/aggregates' && !r.url.includes('groupby'));
  t.ok(plainCall, 'the aggregate query without group-by asked for the plain shape');
});

t.test('search as query syntax and as a JSON filter', async (t) => {
  const sim = await startSim(t);
  const project = sim.projects[2]!.id;
  const g = await startGnocchi(t, sim, {
    auth: adminPassword(sim),
    queries: [
      { name: 'one_project', search: `project_id='${project}'` },
      { name: 'large', search: JSON.stringify({ in: { flavor_name: ['m1.large', 'm1.xlarge'] } }) },
    ],
  });
  t.same(g.errors(), []);
  const s = await g.samples();
  t.same(byLabel(s, 'gnocchi_one_project'), new Map([[project, sim.liveVcpusByProject().get(project)]]));
  const large = new Map<string, number>();
  for (const i of live(sim).filter((i) => ['m1.large', 'm1.xlarge'].includes(i.flavorName))) large.set(i.projectId, (large.get(i.projectId) ?? 0) + i.vcpus);
  t.same(byLabel(s, 'gnocchi_large'), large);
});

t.test('metric not found (404 from Gnocchi 4.5, 400 before) is no data; other errors fail their query only', async (t) => {
  for (const version of ['current', 'legacy'] as const) {
    const sim = await startSim(t, { version });
    const queries = [
      { name: 'provisioned_vcpus' },
      { name: 'swap', operations: '(aggregate sum (metric memory.swap.in mean))' },
      { name: 'volumes', resourceType: 'volume' },
    ];
    const g = await startGnocchi(t, sim, { auth: adminPassword(sim), queries });
    const s = await g.samples();
    t.equal(find(s, 'gnocchi_swap').length, 0, `${version}: no series for a missing metric`);
    t.same(
      g.errors(),
      ['query volumes: /v1/aggregates: HTTP 400: Resource type does not exist ("volume"); set resourceType to a resource type of this Gnocchi'],
      `${version}: only the unknown resource type is an error`,
    );
    t.same(byLabel(s, 'gnocchi_provisioned_vcpus'), sim.liveVcpusByProject(), `${version}: the other query is unaffected`);
  }
});

t.test('fill=null: right totals in both modes; NaN only where Gnocchi writes it, in series it did not aggregate', async (t) => {
  const sim = await startSim(t);
  const g = await startGnocchi(t, sim, {
    auth: adminPassword(sim),
    queries: [
      { name: 'filled_latest', fill: 'null' },
      { name: 'filled_aggregate', fill: 'null', mode: 'aggregate', groupBy: [] },
    ],
  });
  t.same(g.errors(), []);
  const s = await g.samples();
  t.same(byLabel(s, 'gnocchi_filled_latest'), sim.liveVcpusByProject());
  t.equal(find(s, 'gnocchi_filled_aggregate')[0]?.value, newestBucketSum(sim.instances).value);

  const token = sim.keystone.issueFor(sim.admin, sim.keystone.projects[0]!.id);
  const window = `start=${new Date(Date.now() - 3_600_000).toISOString()}&stop=${new Date().toISOString()}`;
  const aggregated = await postAggregates(sim, token, `granularity=300&fill=null&groupby=project_id&${window}`, VCPUS);
  t.notMatch(aggregated.text, /NaN/, 'an (aggregate ...) result never holds NaN');
  const perInstance = await postAggregates(sim, token, `granularity=300&fill=null&groupby=project_id&${window}`, {
    ...VCPUS,
    operations: '(metric vcpus mean)',
  });
  t.match(perInstance.text, /, NaN\]/, "each instance's own series has NaN where another had a point");
  t.throws(() => {
    JSON.parse(perInstance.text);
  }, 'which JSON.parse alone rejects');
});

t.test('a failing query keeps its previous series; a recovered one updates', async (t) => {
  const sim = await startSim(t);
  const g = await startGnocchi(t, sim, { auth: adminPassword(sim) });
  const before = byLabel(await g.samples(), 'gnocchi_provisioned_vcpus');
  sim.server.faults.failPaths = [{ pattern: /^\/v1\/aggregates$/, status: 503 }];
  sim.deleteInstance(live(sim)[0]!.id);
  await g.cycle();
  t.match(g.errors().join(), /HTTP 503/);
  t.same(byLabel(await g.samples(), 'gnocchi_provisioned_vcpus'), before, 'kept until maxStaleness');
  sim.server.faults.failPaths = [];
  await g.cycle();
  t.same(byLabel(await g.samples(), 'gnocchi_provisioned_vcpus'), sim.liveVcpusByProject());
});
