import t from 'tap';
import type { ArchivePolicy } from '../src/simulator/gnocchi/index.js';
import { find } from './helpers/exposition.js';
import { adminPassword, byLabel, newestBucketSum, perProject, startGnocchi, startSim } from './helpers/gnocchi-setup.js';

/**
 * The exporter against what Gnocchi refuses, as the real 4.4.2 and 4.5+
 * refuse it: a body without `search` (no answer at all), a search that
 * matches nothing, one group's archive policy failing a whole grouped
 * query, and the fills each version takes.
 */

const LAST_ONLY: ArchivePolicy = { name: 'last-only', granularities: [300, 3600], aggregationMethods: ['last'] };
const FIVE_MINUTES_ONLY: ArchivePolicy = { name: 'low', granularities: [300], aggregationMethods: ['mean', 'min', 'max', 'last'] };
const NOBODY = 'project_id=ffffffffffffffffffffffffffffffff';

t.test('aggregate mode without a configured search works: the client sends search {} (Gnocchi 4.4 drops the connection on a body without one)', async (t) => {
  for (const version of ['legacy', 'current'] as const) {
    const sim = await startSim(t, { version });
    const g = await startGnocchi(t, sim, { auth: adminPassword(sim), queries: [{ name: 'vcpus_aggregate', mode: 'aggregate' }] });
    t.same(g.errors(), [], `${version}: no error`);
    const s = await g.samples();
    t.same(
      byLabel(s, 'gnocchi_vcpus_aggregate'),
      perProject(sim, sim.instances, (of) => newestBucketSum(of).value),
      `${version}: the newest bucket of every project`,
    );
  }
});

t.test('a search that matches nothing is no data, grouped or not, on 4.4 (400) and 4.5 (404)', async (t) => {
  for (const version of ['legacy', 'current'] as const) {
    const sim = await startSim(t, { version });
    const g = await startGnocchi(t, sim, {
      auth: adminPassword(sim),
      queries: [
        { name: 'provisioned_vcpus' },
        { name: 'nobody_latest', search: NOBODY },
        { name: 'nobody_by_project', search: NOBODY, mode: 'aggregate' },
        { name: 'nobody_total', search: `{"=": {"project_id": "${NOBODY.slice(11)}"}}`, mode: 'aggregate', groupBy: [] },
      ],
    });
    t.same(g.errors(), [], `${version}: no error`);
    const s = await g.samples();
    t.same(
      s.filter((x) => x.name.startsWith('gnocchi_nobody')).map((x) => x.name),
      [],
      `${version}: no series`,
    );
    t.equal(find(s, 'gnocchi_query_projects_seen', { query: 'nobody_latest' })[0]?.value, 0, `${version}: and no project seen`);
    t.same(byLabel(s, 'gnocchi_provisioned_vcpus'), sim.liveVcpusByProject(), `${version}: the other query is unaffected`);
    const upstream = find(s, 'capacity_exporter_upstream_requests_total', { source: 'gnocchi', endpoint: '/v1/aggregates' });
    t.same(
      upstream.map((x) => [x.labels.code, x.value]).sort(),
      (version === 'legacy'
        ? [
            ['200', 1],
            ['400', 3],
          ]
        : [
            ['200', 1],
            ['404', 3],
          ]
      ).sort(),
      `${version}: answered as Gnocchi ${version === 'legacy' ? '4.4' : '4.5'} does`,
    );
  }
});

t.test('one instance whose archive policy lacks the method fails that query for every project, and that query only; the error names it', async (t) => {
  const sim = await startSim(t, { version: 'legacy' });
  const g = await startGnocchi(t, sim, {
    auth: adminPassword(sim),
    queries: [{ name: 'provisioned_vcpus' }, { name: 'vcpus_last', operations: '(aggregate sum (metric vcpus last))' }],
  });
  t.same(g.errors(), []);
  const before = byLabel(await g.samples(), 'gnocchi_provisioned_vcpus');
  const odd = sim.createInstance(sim.projects[1]!.id, 'm1.large', { policy: LAST_ONLY });
  await g.cycle();
  t.same(g.errors(), [
    `query provisioned_vcpus: /v1/aggregates: HTTP 404: Metrics with unknown aggregation ([["${odd.metric!.id}","mean"]]); the archive policy of at least one metric searched lacks this aggregation method, and Gnocchi fails the whole query for it`,
  ]);
  const s = await g.samples();
  t.same(byLabel(s, 'gnocchi_provisioned_vcpus'), before, 'its series kept as they were (until maxStaleness)');
  t.same(byLabel(s, 'gnocchi_vcpus_last'), sim.liveVcpusByProject(), 'the other query sees every instance, the odd one included');
  t.equal(find(s, 'capacity_exporter_collect_success', { source: 'gnocchi', target: 'g' })[0]?.value, 0);
});

t.test('an instance whose policy lacks the asked granularity fails that query: Granularities are missing', async (t) => {
  const sim = await startSim(t);
  sim.createInstance(sim.projects[0]!.id, 'm1.small', { policy: FIVE_MINUTES_ONLY });
  const g = await startGnocchi(t, sim, { auth: adminPassword(sim), queries: [{ name: 'provisioned_vcpus' }, { name: 'hourly', granularity: '1h' }] });
  t.same(g.errors(), [
    'query hourly: /v1/aggregates: HTTP 400: Metrics can\'t being aggregated: Granularities are missing ([["vcpus","mean",3600]]); the metrics searched do not share this granularity (or never overlap), and Gnocchi fails the whole query for it',
  ]);
  t.same(byLabel(await g.samples(), 'gnocchi_provisioned_vcpus'), sim.liveVcpusByProject());
});

t.test('fill: 4.4 refuses the forward fill the config accepts, naming the query; 4.5 takes it; null gives the right totals on both', async (t) => {
  for (const version of ['legacy', 'current'] as const) {
    const sim = await startSim(t, { version });
    const g = await startGnocchi(t, sim, {
      auth: adminPassword(sim),
      queries: [
        { name: 'filled_forward', fill: 'ffill' },
        { name: 'filled_null', fill: 'null' },
        { name: 'filled_zero', fill: 0 },
      ],
    });
    const s = await g.samples();
    if (version === 'legacy') {
      t.same(g.errors(), [
        "query filled_forward: /v1/aggregates: HTTP 400: Argument value error: Must be a float, 'dropna' or 'null' (\"fill\"); this Gnocchi takes a number, null or dropna for fill; ffill, bfill, full_ffill and full_bfill need Gnocchi 4.5 or later",
      ]);
      t.same(byLabel(s, 'gnocchi_filled_forward'), new Map());
    } else {
      t.same(g.errors(), []);
      t.same(byLabel(s, 'gnocchi_filled_forward'), sim.liveVcpusByProject(), 'one series per group: nothing to fill from');
    }
    t.same(byLabel(s, 'gnocchi_filled_null'), sim.liveVcpusByProject(), `${version}: fill=null`);
    t.same(byLabel(s, 'gnocchi_filled_zero'), sim.liveVcpusByProject(), `${version}: fill=0`);
  }
});

t.test('needed_overlap without fill: Gnocchi refuses series that do not overlap, and the error says so', async (t) => {
  const sim = await startSim(t);
  const g = await startGnocchi(t, sim, { auth: adminPassword(sim), queries: [{ name: 'strict', mode: 'aggregate', neededOverlap: 100 }] });
  t.match(g.errors(), [/^query strict: \/v1\/aggregates: HTTP 400: Metrics can't being aggregated: (No overlap|Less than 100\.000000% of datapoints overlap)/]);
});

t.test('a token without the admin role also counts the instances its project created in other projects', async (t) => {
  const sim = await startSim(t);
  const own = sim.projects[0]!.id;
  const made = sim.createInstance(sim.projects[2]!.id, 'm1.xlarge', { createdByProjectId: own });
  const g = await startGnocchi(t, sim, {
    auth: {
      keystone: { url: `${sim.keystone.url}/v3`, applicationCredentialId: sim.memberCredential.id, applicationCredentialSecret: sim.memberCredential.secret },
    },
  });
  const s = await g.samples();
  t.same(
    byLabel(s, 'gnocchi_provisioned_vcpus'),
    new Map([
      [own, sim.liveVcpusByProject().get(own)],
      [made.projectId, 8],
    ]),
  );
  t.equal(find(s, 'gnocchi_query_projects_seen', { query: 'provisioned_vcpus' })[0]?.value, 2);
});
