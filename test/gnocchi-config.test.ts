import t from 'tap';
import { parseConfig } from '../src/config/load.js';
import { HttpError } from '../src/core/http.js';
import { resolveQueries, type GnocchiTarget } from '../src/sources/gnocchi/config.js';
import { authBody, tokensUrl } from '../src/sources/gnocchi/keystone.js';
import { isMetricNotFound, parseGnocchiJson, readAggregates } from '../src/sources/gnocchi/parse.js';
import { liveOnly } from '../src/sources/gnocchi/collector.js';
import { registry } from './helpers/gnocchi-setup.js';

/** What gnocchi config keys parse to; cases that are only accepted or refused are files in test/config/testdata/gnocchi/. */

const keystone = { url: 'https://vhi:5000/v3', username: 'exporter', password: 'pw', project: 'admin' };

t.test('an empty queries list is the built-in provisioned_vcpus query in latest-per-resource mode', async (t) => {
  const config = parseConfig({ gnocchi: [{ name: 'g', auth: { keystone } }] }, registry, { env: {} });
  const target = config.targets[0]!.config as GnocchiTarget;
  t.same(resolveQueries(target), [
    {
      name: 'provisioned_vcpus',
      operations: '(aggregate sum (metric vcpus mean))',
      resourceType: 'instance',
      search: undefined,
      groupBy: ['project_id'],
      granularitySeconds: 300,
      lookbackMs: 3_600_000,
      neededOverlap: 0,
      fill: undefined,
      mode: 'latest-per-resource',
    },
  ]);
  t.equal(target.interval, 300_000, 'interval defaults to 5m');
  const families = config.targets[0]!.source.families(target).map((f) => f.name);
  t.same(families, ['gnocchi_provisioned_vcpus', 'gnocchi_provisioned_vcpus_timestamp_seconds', 'gnocchi_query_projects_seen']);
});

t.test('query keys: granularity in seconds or as a duration, fill, JSON search', async (t) => {
  const config = parseConfig(
    {
      gnocchi: [
        {
          name: 'g',
          auth: { keystone },
          queries: [
            { name: 'a', granularity: 3600, lookback: '6h', fill: 0, search: '{"=": {"flavor_name": "m1.small"}}', mode: 'aggregate', groupBy: [] },
            { name: 'b', granularity: '1m', neededOverlap: 50, fill: 'ffill' },
            { name: 'c', search: { and: [{ '=': { project_id: 'p1' } }, { '>=': { vcpus: 2 } }] } },
            { name: 'd', fill: 'full_ffill', search: "project_id='p1'" },
          ],
        },
      ],
    },
    registry,
    { env: {} },
  );
  const [a, b, c, d] = resolveQueries(config.targets[0]!.config as GnocchiTarget);
  t.match(d, { fill: 'full_ffill', search: "project_id='p1'" }, 'a Gnocchi 4.5 fill, a query-syntax search kept as text');
  t.match(c, { search: { and: [{ '=': { project_id: 'p1' } }, { '>=': { vcpus: 2 } }] } }, 'search given as a JSON object');
  t.match(a, { granularitySeconds: 3600, lookbackMs: 21_600_000, fill: '0', search: { '=': { flavor_name: 'm1.small' } }, mode: 'aggregate', groupBy: [] });
  t.match(b, { granularitySeconds: 60, neededOverlap: 50, fill: 'ffill', search: undefined, mode: 'latest-per-resource' });
});

t.test('Keystone request bodies and URLs', async (t) => {
  const base = {
    url: 'https://k',
    username: 'u',
    userId: '',
    password: 'p',
    userDomain: 'Default',
    userDomainId: '',
    project: 'admin',
    projectId: '',
    projectDomain: 'Default',
    projectDomainId: '',
    applicationCredentialId: '',
    applicationCredentialSecret: '',
    interface: 'public' as const,
    region: '',
  };
  t.same(authBody(base), {
    auth: {
      identity: { methods: ['password'], password: { user: { name: 'u', domain: { name: 'Default' }, password: 'p' } } },
      scope: { project: { name: 'admin', domain: { name: 'Default' } } },
    },
  });
  t.same(authBody({ ...base, username: '', userId: 'uid', projectId: 'pid', project: '' }), {
    auth: { identity: { methods: ['password'], password: { user: { id: 'uid', password: 'p' } } }, scope: { project: { id: 'pid' } } },
  });
  t.same(authBody({ ...base, username: '', password: '', project: '', applicationCredentialId: 'ac', applicationCredentialSecret: 's' }), {
    auth: { identity: { methods: ['application_credential'], application_credential: { id: 'ac', secret: 's' } } },
  });
  t.equal(tokensUrl('https://k:5000'), 'https://k:5000/v3/auth/tokens');
  t.equal(tokensUrl('https://k:5000/v3/'), 'https://k:5000/v3/auth/tokens');
  t.equal(tokensUrl('https://k/identity/v3'), 'https://k/identity/v3/auth/tokens');
});

t.test('bare NaN / Infinity tokens parse; the same words inside strings stay text', async (t) => {
  const body =
    '{"measures":{"aggregated":[["2026-01-01T00:00:00+00:00",300.0,NaN],["2026-01-01T00:05:00+00:00",300.0,Infinity],["2026-01-01T00:10:00+00:00",300,-Infinity]]},"note":"NaN \\"Infinity\\" -Infinity"}';
  const parsed = parseGnocchiJson(body) as Record<string, unknown>;
  t.same(
    (parsed.measures as { aggregated: unknown[][] }).aggregated.map((p) => p[2]),
    [null, Infinity, -Infinity],
    'NaN is no value',
  );
  t.equal(parsed.note, 'NaN "Infinity" -Infinity');
  const [series] = readAggregates(parsed, false);
  t.ok(Number.isNaN(series!.points[0]!.value), 'an empty bucket is NaN, which latestPoint skips');
  t.same(
    series!.points.slice(1).map((p) => p.value),
    [Infinity, -Infinity],
  );
  t.same(parseGnocchiJson('{"a":[1,2]}'), { a: [1, 2] });
  t.throws(() => parseGnocchiJson('{"a": NaNa}'));
});

t.test('both response shapes; malformed ones name the path', async (t) => {
  t.same(readAggregates({ measures: { aggregated: [['2021-07-19T12:00:00+00:00', 300.0, 6.0]] } }, false), [
    { group: {}, points: [{ at: Date.parse('2021-07-19T12:00:00Z'), granularity: 300, value: 6 }] },
  ]);
  t.same(readAggregates([{ group: { project_id: 'p', id: 'i', ended_at: null }, measures: { measures: { aggregated: [] } } }], true), [
    { group: { project_id: 'p', id: 'i', ended_at: '' }, points: [] },
  ]);
  t.throws(() => readAggregates([{ group: {}, measures: { aggregated: [] } }], true), /response\[0\]\.measures\.measures should be an object/);
  t.throws(() => readAggregates({ measures: { uuid: { vcpus: { mean: [] } } } }, false), /use an "\(aggregate \.\.\.\)" operation/);
  t.throws(() => readAggregates({ measures: { aggregated: [['yesterday', 300, 1]] } }, false), /an ISO 8601 timestamp/);
});

t.test('which errors mean "metric not found"', async (t) => {
  t.ok(isMetricNotFound(new HttpError(404, 'r', { code: 404, description: "Metric ['vcpus'] does not exist", title: 'Not Found' }, '')));
  t.ok(isMetricNotFound(new HttpError(400, 'r', { code: 400, description: { cause: 'Metrics not found', detail: ['vcpus'] }, title: 'Bad Request' }, '')));
  t.notOk(
    isMetricNotFound(new HttpError(404, 'r', { code: 404, description: { cause: 'Unknown metrics', detail: ['x'] } }, '')),
    'a metric without measures yet is not "no data"',
  );
  t.notOk(isMetricNotFound(new HttpError(404, 'r', undefined, '<html>The resource could not be found.</html>')), 'a wrong path is an error');
  t.notOk(
    isMetricNotFound(
      new HttpError(400, 'r', { code: 400, title: 'Bad Request', description: { cause: 'Resource type does not exist', detail: 'volume' } }, ''),
    ),
  );
});

t.test("only live resources: the look-back filter keeps the user's search", async (t) => {
  t.equal(liveOnly(undefined), 'ended_at=null');
  t.equal(liveOnly('project_id=x or flavor_name=y'), '(project_id=x or flavor_name=y) and ended_at=null');
  t.same(liveOnly({ '=': { project_id: 'x' } }), { and: [{ '=': { project_id: 'x' } }, { '=': { ended_at: null } }] });
});
