import t, { type Test } from 'tap';
import { GnocchiSimulator, type ArchivePolicy, type GnocchiSimulatorOptions } from '../src/simulator/gnocchi/index.js';
import { postAggregates, VCPUS } from './helpers/gnocchi-setup.js';

/**
 * The Gnocchi simulator over HTTP, held to what the real Gnocchi 4.4.2
 * answered (/tmp/openstack-report.md, section 3) and, for version 'current',
 * to Gnocchi 4.5's code.
 */

const NOW = Date.parse('2026-11-23T10:02:30Z');
const T0 = Date.parse('2026-12-02T08:00:00Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const WINDOW = `start=${iso(T0)}&stop=${iso(T0 + 60 * MIN)}`;
const LOW: ArchivePolicy = { name: 'low', granularities: [300], aggregationMethods: ['mean', 'min', 'max', 'last'] };
const LAST_ONLY: ArchivePolicy = { name: 'last-only', granularities: [300, 3600], aggregationMethods: ['last'] };

/**
 * A hand-made world on a clock set by the test: project A with a1 (4 vCPUs
 * from 08:10) and a2 (1 vCPU at 08:20, resized to 2 at 08:35); the clock
 * ends at 08:59, before any audit falls due.
 */
async function small(t: Test, opts: GnocchiSimulatorOptions = {}) {
  let now = T0;
  const sim = new GnocchiSimulator({ seed: 11, projects: 0, now: () => now, ...opts });
  const at = (minutes: number) => {
    now = T0 + minutes * MIN;
  };
  const a = sim.addProject('a');
  at(10);
  const a1 = sim.createInstance(a.id, 'm1.large');
  at(20);
  const a2 = sim.createInstance(a.id, 'm1.small');
  at(35);
  sim.resizeInstance(a2.id, 2, 'm1.medium');
  at(59);
  await sim.listen();
  t.teardown(() => sim.close());
  const admin = sim.keystone.issueFor(sim.admin, sim.keystone.projects[0]!.id);
  return { sim, admin, a, a1, a2, at };
}

type Aggregated = Array<[string, number, number]>;
const aggregatedOf = (text: string): Aggregated => (JSON.parse(text) as { measures: { aggregated: Aggregated } }).measures.aggregated;
const valuesOf = (text: string) => aggregatedOf(text).map(([stamp, , v]) => [stamp.slice(11, 16), v]);

t.test('the same seed and clock give the same world', async (t) => {
  const a = new GnocchiSimulator({ seed: 3, now: () => NOW });
  const b = new GnocchiSimulator({ seed: 3, now: () => NOW });
  const c = new GnocchiSimulator({ seed: 4, now: () => NOW });
  t.same(a.instances, b.instances);
  t.same(a.projects, b.projects);
  t.same(a.adminCredential, b.adminCredential);
  t.notSame(
    a.instances.map((i) => i.id),
    c.instances.map((i) => i.id),
  );
  t.ok(
    a.instances.some((i) => i.endedAt !== null),
    'some instances are deleted',
  );
  t.ok(a.instances.every((i) => i.points.every((p) => p.at <= NOW)));
  t.ok(
    a.instances.every((i) => i.metric?.policy.aggregationMethods.join() === 'mean,min,max,last'),
    'Ceilometer-like methods by default',
  );
});

t.test('audits keep falling due while the simulator runs: live instances stay within the look-back', async (t) => {
  let now = NOW;
  const sim = new GnocchiSimulator({ seed: 5, now: () => now });
  await sim.listen();
  t.teardown(() => sim.close());
  now += 3 * 3_600_000;
  const token = sim.keystone.issueFor(sim.admin, sim.keystone.projects[0]!.id);
  const res = await postAggregates(sim, token, `groupby=id&granularity=300&needed_overlap=0&start=${iso(now - 3_600_000)}&stop=${iso(now)}`, {
    ...VCPUS,
    search: 'ended_at=null',
  });
  t.equal(res.status, 200);
  const groups = JSON.parse(res.text) as Array<{ group: { id: string }; measures: { measures: { aggregated: unknown[] } } }>;
  const live = sim.instances.filter((i) => i.endedAt === null);
  t.same(groups.map((g) => g.group.id).sort(), live.map((i) => i.id).sort(), 'every live instance, no deleted one');
  t.ok(
    groups.every((g) => g.measures.measures.aggregated.length >= 1),
    'each with a point in the last hour',
  );
});

t.test('a body Gnocchi 4.4 crashes on gets no answer at all; search {} is every resource, "" a 400', async (t) => {
  for (const version of ['legacy', 'current'] as const) {
    const { sim, admin } = await small(t, { version });
    const { search: _, ...noSearch } = VCPUS;
    for (const query of ['granularity=300', 'groupby=project_id&granularity=300', 'groupby=id&groupby=project_id&granularity=300']) {
      await t.rejects(postAggregates(sim, admin, query, noSearch), { code: 'UND_ERR_SOCKET' }, `${version}, no search, ${query}: connection closed`);
    }
    await t.rejects(postAggregates(sim, admin, 'granularity=300', noSearch, { accept: undefined }), { code: 'UND_ERR_SOCKET' }, 'also without Accept');
    for (const search of [null, 3, [], { foo: { project_id: 'x' } }, { '=': { project_id: ['x'] } }, { and: [] }]) {
      await t.rejects(
        postAggregates(sim, admin, 'granularity=300', { ...VCPUS, search }),
        { code: 'UND_ERR_SOCKET' },
        `${version}, search ${JSON.stringify(search)}`,
      );
    }
    await t.rejects(postAggregates(sim, admin, 'granularity=300', { resource_type: 'instance', search: {} }), { code: 'UND_ERR_SOCKET' }, 'no operations');
    const all = await postAggregates(sim, admin, `granularity=300&${WINDOW}`, VCPUS);
    t.same(
      [all.status, valuesOf(all.text)],
      [
        200,
        [
          ['08:10', 4],
          ['08:20', 1],
          ['08:35', 2],
        ],
      ],
      `${version}: search {} takes every resource`,
    );
    const empty = await postAggregates(sim, admin, 'granularity=300', { ...VCPUS, search: '' });
    t.equal(empty.status, 400);
    t.equal(
      empty.text,
      '{"code": 400, "title": "Bad Request", "description": "Invalid filter: Expected \'\\u2228\' term  (at char 0), (line:1, col:1)"}',
      "Python's JSON, key order of the real envelope",
    );
  }
});

t.test('no resource with the metric: 400 Metrics not found (4.4), 404 Metric [...] does not exist (4.5), with and without groupby', async (t) => {
  for (const version of ['legacy', 'current'] as const) {
    const { sim, admin } = await small(t, { version });
    const nothing = { ...VCPUS, search: { '=': { project_id: 'ffffffffffffffffffffffffffffffff' } } };
    const expected =
      version === 'legacy'
        ? [400, '{"code": 400, "title": "Bad Request", "description": {"cause": "Metrics not found", "detail": ["vcpus"]}}']
        : [404, '{"code": 404, "title": "Not Found", "description": "Metric [\'vcpus\'] does not exist"}'];
    for (const query of ['granularity=300', 'groupby=project_id&granularity=300', 'groupby=id&groupby=project_id&granularity=300']) {
      const res = await postAggregates(sim, admin, query, nothing);
      t.same([res.status, res.text], expected, `${version}: ${query}`);
    }
    const stringSearch = await postAggregates(sim, admin, 'groupby=project_id', { ...VCPUS, search: 'project_id=ffffffffffffffffffffffffffffffff' });
    t.same([stringSearch.status, stringSearch.text], expected, `${version}: the same with a string search`);
    const nosuch = await postAggregates(sim, admin, 'groupby=project_id', { ...VCPUS, operations: '(aggregate sum (metric nosuch mean))' });
    t.match(nosuch.text, /nosuch/, `${version}: resources that lack the metric`);
    t.equal(nosuch.status, expected[0]);
  }
});

t.test('a resource without the metric is left out of its group; a metric without measures gives an empty series', async (t) => {
  const { sim, admin, a, at } = await small(t, { version: 'legacy' });
  const b = sim.addProject('b');
  sim.createInstance(b.id, 'm1.tiny', { policy: null });
  at(59);
  const res = await postAggregates(sim, admin, `groupby=project_id&granularity=300&${WINDOW}`, VCPUS);
  t.same(
    (JSON.parse(res.text) as Array<{ group: unknown }>).map((g) => g.group),
    [{ project_id: a.id }],
    'the project whose only instance has no vcpus metric has no group',
  );
  const quiet = sim.createInstance(b.id, 'm1.tiny');
  quiet.points.length = 0;
  const again = await postAggregates(sim, admin, `groupby=project_id&granularity=300&${WINDOW}`, VCPUS);
  const groups = JSON.parse(again.text) as Array<{ group: { project_id: string }; measures: { measures: { aggregated: unknown[] } } }>;
  t.same(groups.find((g) => g.group.project_id === b.id)?.measures.measures.aggregated, [], 'a metric with no measures: its group, empty');
});

t.test('granularity: one the policy lacks, an unparsable one, a timespan, none at all', async (t) => {
  const { sim, admin, a, at } = await small(t);
  const missing = await postAggregates(sim, admin, `granularity=60&${WINDOW}`, VCPUS);
  t.equal(missing.status, 400);
  t.equal(
    missing.text,
    '{"code": 400, "title": "Bad Request", "description": {"cause": "Metrics can\'t being aggregated", "reason": "Granularities are missing", "detail": [["vcpus", "mean", 60.0], ["vcpus", "mean", 60.0]]}}',
  );
  const abc = await postAggregates(sim, admin, 'granularity=abc', VCPUS);
  t.same(
    [abc.status, JSON.parse(abc.text)],
    [400, { code: 400, title: 'Bad Request', description: { cause: 'Argument value error', detail: 'granularity', reason: 'Unable to parse timespan' } }],
  );
  const timespan = await postAggregates(sim, admin, `granularity=5min&${WINDOW}`, VCPUS);
  t.same(
    valuesOf(timespan.text),
    [
      ['08:10', 4],
      ['08:20', 1],
      ['08:35', 2],
    ],
    '5min is 300 s',
  );
  const start = await postAggregates(sim, admin, 'granularity=300&start=yesterdayish', VCPUS);
  t.same(JSON.parse(start.text), {
    code: 400,
    title: 'Bad Request',
    description: { cause: 'Argument value error', detail: 'start', reason: 'Must be a datetime or a timestamp' },
  });

  const all = await postAggregates(sim, admin, WINDOW, VCPUS);
  t.same(
    aggregatedOf(all.text).map(([, g, v]) => [g, v]),
    [
      [3600, 5.5],
      [300, 4],
      [300, 1],
      [300, 2],
    ],
    'every granularity in common, coarsest first (08:00: 4 + mean(1, 2))',
  );
  t.match(all.text, /"2026-12-02T08:00:00\+00:00", 3600\.0, 5\.5\]/, 'floats as Python writes them');

  const b = sim.addProject('b');
  at(40);
  sim.createInstance(b.id, 'm1.xlarge', { policy: LOW });
  at(59);
  const grouped = JSON.parse((await postAggregates(sim, admin, `groupby=project_id&${WINDOW}`, VCPUS)).text) as Array<{
    group: { project_id: string };
    measures: { measures: { aggregated: Aggregated } };
  }>;
  const grans = new Map(grouped.map((g) => [g.group.project_id, [...new Set(g.measures.measures.aggregated.map((p) => p[1]))]]));
  t.same(
    grans,
    new Map([
      [a.id, [3600, 300]],
      [b.id, [300]],
    ]),
    'with groupby, each group its own common granularities',
  );
  const plain = await postAggregates(sim, admin, WINDOW, VCPUS);
  t.same([...new Set(aggregatedOf(plain.text).map((p) => p[1]))], [300], 'without groupby, those common to every resource');
});

t.test('one group whose archive policy lacks the granularity or the method fails the whole grouped request', async (t) => {
  const { sim, admin, a1, a2, at } = await small(t);
  const b = sim.addProject('b');
  at(40);
  const low = sim.createInstance(b.id, 'm1.xlarge', { policy: LOW });
  at(59);
  const hourly = await postAggregates(sim, admin, `groupby=project_id&granularity=3600&${WINDOW}`, VCPUS);
  t.equal(hourly.status, 400);
  t.same(JSON.parse(hourly.text), {
    code: 400,
    title: 'Bad Request',
    description: { cause: "Metrics can't being aggregated", reason: 'Granularities are missing', detail: [['vcpus', 'mean', 3600]] },
  });

  const sum = await postAggregates(sim, admin, `groupby=project_id&granularity=300&${WINDOW}`, { ...VCPUS, operations: '(aggregate sum (metric vcpus sum))' });
  const first = [a1, a2, low].sort((x, y) => (x.projectId + x.id < y.projectId + y.id ? -1 : 1))[0]!;
  t.same(
    [sum.status, JSON.parse(sum.text)],
    [404, { code: 404, title: 'Not Found', description: { cause: 'Metrics with unknown aggregation', detail: [[first.metric!.id, 'sum']] } }],
    'the first offending metric, by its UUID',
  );

  const c = sim.addProject('c');
  const lastOnly = sim.createInstance(c.id, 'm1.tiny', { policy: LAST_ONLY });
  const mean = await postAggregates(sim, admin, `groupby=project_id&granularity=300&${WINDOW}`, VCPUS);
  t.same(
    [mean.status, JSON.parse(mean.text)],
    [404, { code: 404, title: 'Not Found', description: { cause: 'Metrics with unknown aggregation', detail: [[lastOnly.metric!.id, 'mean']] } }],
    'one instance without mean fails every project',
  );
  const last = await postAggregates(sim, admin, `groupby=project_id&granularity=300&${WINDOW}`, {
    ...VCPUS,
    operations: '(aggregate sum (metric vcpus last))',
  });
  t.equal((JSON.parse(last.text) as unknown[]).length, 3, 'a method every policy has: every group answers');
});

t.test('fill: 4.4 takes a number, null or dropna; filling happens only where another series has a point', async (t) => {
  const { sim, admin } = await small(t, { version: 'legacy' });
  const mean = { ...VCPUS, operations: '(aggregate mean (metric vcpus mean))' };
  const ask = async (extra: string, body: unknown = VCPUS) => {
    const res = await postAggregates(sim, admin, `granularity=300&${WINDOW}&${extra}`, body);
    return res.status === 200 ? valuesOf(res.text) : [res.status, JSON.parse(res.text) as unknown];
  };
  t.same(
    await ask(''),
    [
      ['08:10', 4],
      ['08:20', 1],
      ['08:35', 2],
    ],
    'default: dropna',
  );
  t.same(
    await ask('fill=0', mean),
    [
      ['08:10', 2],
      ['08:20', 0.5],
      ['08:35', 1],
    ],
    'fill=0 fills the other instance at those timestamps only: no bucket added',
  );
  t.same(await ask('fill=-1.5'), [
    ['08:10', 2.5],
    ['08:20', -0.5],
    ['08:35', 0.5],
  ]);
  t.same(await ask('fill=null'), await ask('fill=dropna'), 'fill=null: aggregate results hold no NaN');
  t.same(
    await ask('needed_overlap=0'),
    [
      ['08:10', 4],
      ['08:20', 1],
      ['08:35', 2],
    ],
    'what the exporter sends',
  );
  for (const fill of ['ffill', 'bfill', 'full_ffill', 'full_bfill', 'abc']) {
    t.same(
      await ask(`fill=${fill}`),
      [400, { code: 400, title: 'Bad Request', description: { cause: 'Argument value error', detail: 'fill', reason: "Must be a float, 'dropna' or 'null'" } }],
      `fill=${fill} refused`,
    );
  }
  const noOverlap = [
    400,
    {
      code: 400,
      title: 'Bad Request',
      description: {
        cause: "Metrics can't being aggregated",
        reason: 'No overlap',
        detail: [
          ['vcpus', 'mean'],
          ['vcpus', 'mean'],
        ],
      },
    },
  ];
  t.same(await ask('needed_overlap=100'), noOverlap, 'series that never share a bucket, without fill');
  t.same(await ask('needed_overlap=50'), noOverlap);

  const perInstance = await postAggregates(sim, admin, `granularity=300&${WINDOW}&fill=null`, { ...VCPUS, operations: '(metric vcpus mean)' });
  t.match(perInstance.text, /"2026-12-02T08:20:00\+00:00", 300\.0, NaN\]/, 'without aggregate, fill=null writes bare NaN where another series has a point');
  t.throws(() => {
    JSON.parse(perInstance.text);
  }, 'which JSON.parse alone rejects');
});

t.test('fill: 4.5 adds the forward and backward fills, still only at timestamps some series has', async (t) => {
  const { sim, admin } = await small(t, { version: 'current' });
  const ask = async (fill: string) => valuesOf((await postAggregates(sim, admin, `granularity=300&${WINDOW}&fill=${fill}`, VCPUS)).text);
  t.same(
    await ask('ffill'),
    [
      ['08:10', 4],
      ['08:20', 5],
      ['08:35', 6],
    ],
    'a1 carried forward',
  );
  t.same(
    await ask('bfill'),
    [
      ['08:10', 5],
      ['08:20', 1],
      ['08:35', 2],
    ],
    'a2 carried backward',
  );
  t.same(await ask('full_ffill'), [
    ['08:10', 5],
    ['08:20', 5],
    ['08:35', 6],
  ]);
  t.same(await ask('full_bfill'), [
    ['08:10', 5],
    ['08:20', 5],
    ['08:35', 6],
  ]);
});

t.test('errors: the envelope, unknown types and attributes, filter syntax, and what the Accept header changes', async (t) => {
  const { sim, admin } = await small(t);
  const answer = async (query: string, body: unknown, headers?: Record<string, string | undefined>) => {
    const res = await postAggregates(sim, admin, query, body, headers);
    return [res.status, res.text];
  };
  t.same(await answer('granularity=300', { ...VCPUS, resource_type: 'nosuchtype' }), [
    400,
    '{"code": 400, "title": "Bad Request", "description": {"cause": "Resource type does not exist", "detail": "nosuchtype"}}',
  ]);
  for (const search of [{ '=': { nosuchattr: 'x' } }, 'nosuchattr=x']) {
    t.same(
      await answer('granularity=300', { ...VCPUS, search }),
      [400, '{"code": 400, "title": "Bad Request", "description": "Resource type instance has no nosuchattr attribute"}'],
      JSON.stringify(search),
    );
  }
  const filters: Array<[string, string]> = [
    ['project_id==', "Expected '\\u2228' term, found '='  (at char 11), (line:1, col:12)"],
    ['project_id=nonexistent', "Expected end of text, found 'xistent'  (at char 15), (line:1, col:16)"],
    ['flavor_name=m1.small', "Expected end of text, found '.'  (at char 14), (line:1, col:15)"],
    ['(project_id=x', "Expected '\\u2228' term, found end of text  (at char 13), (line:1, col:14)"],
  ];
  for (const [search, message] of filters) {
    t.same(
      await answer('granularity=300', { ...VCPUS, search }),
      [400, `{"code": 400, "title": "Bad Request", "description": "Invalid filter: ${message}"}`],
      search,
    );
  }
  t.same(await answer('granularity=300&groupby=nosuchattr', VCPUS), [
    400,
    '{"code": 400, "title": "Bad Request", "description": "Invalid pagination: `Sort key supplied is invalid: nosuchattr\'"}',
  ]);
  const badOps = await answer('granularity=300', { ...VCPUS, operations: '(aggregate sum (metric vcpus mean)' });
  t.same(badOps, [
    400,
    '{"code": 400, "title": "Bad Request", "description": {"cause": "Invalid operations", "reason": "Fail to parse the operations string", "detail": "Expected \')\', found end of text  (at char 34), (line:1, col:35)"}}',
  ]);
  const notJson = await postAggregates(sim, admin, 'granularity=300', '{"operations": ');
  t.same(
    [notJson.status, JSON.parse(notJson.text)],
    [
      400,
      { code: 400, title: 'Bad Request', description: { cause: 'Unable to decode body', reason: 'Unexpected character found when decoding JSON', detail: [] } },
    ],
  );
  t.same(await answer('granularity=300', { operations: '(metric vcpus mean)' }), [
    400,
    '{"code": 400, "title": "Bad Request", "description": {"cause": "Invalid metric references", "reason": "badly formed hexadecimal UUID string", "detail": [["vcpus", "mean"]]}}',
  ]);

  const text = await postAggregates(sim, admin, 'granularity=300', { ...VCPUS, search: { '=': { project_id: 'nobody' } } }, { accept: undefined });
  t.equal(text.headers['content-type'], 'text/plain; charset=UTF-8');
  t.match(
    text.text,
    /^404 Not Found\n\nThe resource could not be found\.\n\n "Metric \['vcpus'\] does not exist" {2}$/,
    "no Accept: plain text with the description's Python repr",
  );
  const html = await postAggregates(sim, admin, 'granularity=300', { ...VCPUS, resource_type: 'volume' }, { accept: '*/*' });
  t.equal(html.headers['content-type'], 'text/html; charset=UTF-8');
  t.match(html.text, /<title>400 Bad Request<\/title>[\s\S]*'cause': 'Resource type does not exist', 'detail': 'volume'/);
  t.equal((await postAggregates(sim, admin, 'granularity=300', VCPUS, { accept: 'text/html' })).status, 406, 'text/html alone is not acceptable');

  const get = await fetch(`${sim.baseUrl}/v1/aggregates`, { headers: { 'x-auth-token': admin, accept: 'application/json' } });
  t.same([get.status, await get.text()], [405, '{"code": 405, "title": "Method Not Allowed", "description": ""}']);
  const wrongPath = await fetch(`${sim.baseUrl}/aggregates`, { method: 'POST', headers: { 'x-auth-token': admin, accept: 'application/json' } });
  t.same([wrongPath.status, await wrongPath.json()], [404, { code: 404, title: 'Not Found', description: null }]);
  t.equal((await postAggregates(sim, admin, 'granularity=300', VCPUS)).headers.connection, 'close', 'uWSGI closes every connection');
});

t.test("401: keystonemiddleware's body and WWW-Authenticate; a cached token outlives its revocation, not its expiry", async (t) => {
  let now = NOW;
  const sim = new GnocchiSimulator({ seed: 5, now: () => now, tokenTtlSeconds: 600 });
  await sim.listen();
  t.teardown(() => sim.close());
  const denied = await postAggregates(sim, 'garbage', 'granularity=300', VCPUS);
  t.same(
    [denied.status, denied.text],
    [401, '{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}'],
  );
  t.equal(denied.headers['www-authenticate'], `Keystone uri="${sim.keystone.url}/v3"`);

  const seen = sim.keystone.issueFor(sim.admin, sim.keystone.projects[0]!.id);
  const unseen = sim.keystone.issueFor(sim.admin, sim.keystone.projects[0]!.id);
  t.equal((await postAggregates(sim, seen, 'granularity=300', VCPUS)).status, 200);
  sim.keystone.revokeToken(seen);
  sim.keystone.revokeToken(unseen);
  t.equal((await postAggregates(sim, unseen, 'granularity=300', VCPUS)).status, 401, 'a revoked token Gnocchi never saw: refused at once');
  t.equal((await postAggregates(sim, seen, 'granularity=300', VCPUS)).status, 200, 'one it had validated: still accepted from its cache');
  now += 301_000;
  t.equal((await postAggregates(sim, seen, 'granularity=300', VCPUS)).status, 401, 'until token_cache_time (300 s) has passed');

  const expiring = sim.keystone.issueFor(sim.admin, sim.keystone.projects[0]!.id, 60);
  t.equal((await postAggregates(sim, expiring, 'granularity=300', VCPUS)).status, 200);
  now += 61_000;
  t.equal((await postAggregates(sim, expiring, 'granularity=300', VCPUS)).status, 401, 'an expired token is refused even from the cache');
});

t.test("a token without the admin role sees its project's resources and those its project created", async (t) => {
  const { sim } = await small(t);
  const own = sim.addProject('own');
  const other = sim.addProject('other');
  const viewer = sim.keystone.addUser('viewer-2', { [own.id]: ['member'] });
  sim.createInstance(own.id, 'm1.tiny');
  sim.createInstance(other.id, 'm1.small');
  const made = sim.createInstance(other.id, 'm1.large', { createdByProjectId: own.id });
  const token = sim.keystone.issueFor(viewer, own.id);
  const res = await postAggregates(sim, token, `groupby=id&groupby=project_id&granularity=300&${WINDOW}`, VCPUS);
  const groups = (JSON.parse(res.text) as Array<{ group: { id: string; project_id: string } }>).map((g) => g.group);
  t.same(groups.map((g) => g.project_id).sort(), [own.id, other.id].sort());
  t.ok(
    groups.some((g) => g.id === made.id),
    'an instance of another project made with its credentials',
  );
  const elsewhere = await postAggregates(sim, token, `groupby=project_id&granularity=300&${WINDOW}`, {
    ...VCPUS,
    search: { '=': { project_id: sim.projects[0]!.id } },
  });
  t.equal(elsewhere.status, 404, 'another project searched explicitly: no metric found, not 403');
});

t.test('4.5 leaves resources ended before the window out of the search; 4.4 gives them an empty series', async (t) => {
  for (const version of ['legacy', 'current'] as const) {
    const { sim, admin, a, at } = await small(t, { version });
    const gone = sim.addProject('gone');
    at(-180);
    const old = sim.createInstance(gone.id, 'm1.tiny');
    at(-120);
    sim.deleteInstance(old.id);
    at(59);
    const groups = (
      JSON.parse((await postAggregates(sim, admin, `groupby=project_id&granularity=300&${WINDOW}`, VCPUS)).text) as Array<{
        group: { project_id: string };
        measures: { measures: { aggregated: unknown[] } };
      }>
    ).map((g) => [g.group.project_id, g.measures.measures.aggregated.length]);
    const expected =
      version === 'current'
        ? [[a.id, 3]]
        : [
            [a.id, 3],
            [gone.id, 0],
          ].sort((x, y) => (String(x[0]) < String(y[0]) ? -1 : 1));
    t.same(groups, expected, version);
  }
});

t.test('metrics named by UUID, without resource_type', async (t) => {
  const { sim, admin, a1 } = await small(t);
  const res = await postAggregates(sim, admin, `granularity=300&${WINDOW}`, { operations: `(metric ${a1.metric!.id} mean)` });
  t.same(JSON.parse(res.text), { measures: { [a1.metric!.id]: { mean: [['2026-12-02T08:10:00+00:00', 300, 4]] } } });
  const unknown = await postAggregates(sim, admin, `granularity=300&${WINDOW}`, { operations: '(metric 00000000-0000-4000-a000-000000000000 mean)' });
  t.same(
    [unknown.status, JSON.parse(unknown.text)],
    [
      404,
      {
        code: 404,
        title: 'Not Found',
        description: { cause: 'Unknown metrics', reason: "Provided metrics don't exists", detail: ['00000000-0000-4000-a000-000000000000'] },
      },
    ],
  );
});
