import t from 'tap';
import { existsSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { request } from 'undici';
import gnocchi from '../src/sources/gnocchi/index.js';
import { find, scrape, type ParsedSample } from './helpers/exposition.js';
import { api, appCredentialAuth, issueToken, startOpenStack, type HarnessInstance, type OpenStack } from './helpers/openstack.js';
import { until } from './helpers/processes.js';
import { startTestExporter } from './helpers/start.js';

/**
 * The Gnocchi source against the real thing: Debian's Keystone 22 and Gnocchi
 * 4.4.2 (PostgreSQL indexer, file storage, gnocchi-metricd) on loopback, with
 * sparse vcpus measures: one instance that last reported 40 minutes ago, and
 * deleted ones (ended_at set) that must not count.
 */
interface TokenBody {
  token: {
    methods: string[];
    expires_at: string;
    project: { id: string };
    roles: Array<{ name: string }>;
    catalog?: Array<{ type: string; endpoints: Array<{ interface: string; region_id: string; url: string }> }>;
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const BUCKET = 300_000;

/**
 * What `mode: aggregate` must report per project: Gnocchi's (aggregate sum
 * (metric vcpus mean)) over every instance of the project (a search of {}
 * keeps the deleted ones), at the newest 300 s bucket any of them has within
 * the hour.
 */
function newestBucketSums(os: OpenStack, now: number): Record<string, number> {
  const start = Math.floor((now - 3_600_000) / BUCKET) * BUCKET;
  const byProject = new Map<string, HarnessInstance[]>();
  for (const i of os.instances) byProject.set(i.projectId, [...(byProject.get(i.projectId) ?? []), i]);
  const out: Record<string, number> = {};
  for (const [project, instances] of byProject) {
    const buckets = instances.map((i) => {
      const means = new Map<number, number[]>();
      for (const m of i.measures) {
        const b = Math.floor(m.at / BUCKET) * BUCKET;
        if (b >= start && m.at <= now) means.set(b, [...(means.get(b) ?? []), m.value]);
      }
      return new Map([...means].map(([b, v]) => [b, v.reduce((x, y) => x + y, 0) / v.length]));
    });
    const newest = Math.max(...buckets.flatMap((b) => [...b.keys()]));
    out[project] = buckets.reduce((sum, b) => sum + (b.get(newest) ?? 0), 0);
  }
  return out;
}

function byProject(samples: ParsedSample[], name: string, target: string): Record<string, number> {
  return Object.fromEntries(find(samples, name, { target }).map((s) => [s.labels.project_id!, s.value]));
}

void t.test('Keystone 22 and Gnocchi 4.4.2 from Debian, and the exporter against them', async (t) => {
  const os = await startOpenStack({ log: (line) => t.comment(line) });
  t.teardown(() => os.stop());
  t.comment(`start-up timings (ms): ${JSON.stringify(os.timings)}`);
  const pids = os.pids();
  t.equal(pids.length, 4, 'postgres, keystone, gnocchi-api and gnocchi-metricd run');

  const cred = await issueToken(os.keystoneUrl, appCredentialAuth(os.exporter.applicationCredential));
  const body = cred.body as TokenBody;
  t.same(body.token.methods, ['application_credential']);
  t.match(body.token.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.0{6}Z$/, 'whole seconds, written with six zeros');
  t.equal(body.token.catalog?.find((s) => s.type === 'metric')?.endpoints.find((e) => e.interface === 'public')?.url, os.gnocchiUrl, 'Gnocchi in the catalog');
  t.ok(
    os.instances.some((i) => i.endedAt === null && os.measuredAt - (i.measures.at(-1)?.at ?? 0) >= 39 * 60_000),
    'a live instance last reported 40 minutes ago',
  );
  t.ok(
    os.instances.some((i) => i.endedAt !== null),
    'a deleted instance',
  );

  const keystone = { url: os.keystoneUrl, username: os.exporter.name, password: os.exporter.password, project: os.exporter.project };
  const appCredential = {
    url: os.keystoneUrl,
    applicationCredentialId: os.exporter.applicationCredential.id,
    applicationCredentialSecret: os.exporter.applicationCredential.secret,
  };
  const aggregate = { name: 'vcpus_newest_bucket', mode: 'aggregate', groupBy: ['project_id'] };
  const common = { interval: '1h', retries: 1, timeout: '20s' };
  const { exporter, logText } = await startTestExporter(
    {
      gnocchi: [
        { name: 'password-catalog', ...common, auth: { keystone } },
        { name: 'appcred', ...common, baseUrl: os.gnocchiUrl, auth: { keystone: appCredential }, queries: [{ name: 'provisioned_vcpus' }, aggregate] },
        { name: 'wrong-password', ...common, auth: { keystone: { ...keystone, password: 'not-the-password' } } },
        {
          name: 'viewer',
          ...common,
          auth: { keystone: { url: os.keystoneUrl, username: os.viewer.name, password: os.viewer.password, project: os.viewer.project } },
        },
      ],
    },
    [gnocchi],
  );
  t.teardown(() => exporter.close());
  await exporter.ready();
  const state = (name: string) => exporter.store.get('gnocchi', name)!;

  await t.test('per-project totals of live vCPUs: password with the catalog, application credential, both modes', async (t) => {
    const s = (await scrape(exporter.url)).samples;
    t.same(state('password-catalog').last?.errors, [], 'password, Gnocchi found in the catalog (no baseUrl)');
    t.same(byProject(s, 'gnocchi_provisioned_vcpus', 'password-catalog'), os.expectedVcpus);
    t.same(state('appcred').last?.errors, [], 'application credential; aggregate mode without a search');
    t.same(byProject(s, 'gnocchi_provisioned_vcpus', 'appcred'), os.expectedVcpus);
    t.same(
      byProject(s, 'gnocchi_vcpus_newest_bucket', 'appcred'),
      newestBucketSums(os, state('appcred').last!.startedAt),
      "aggregate: the newest bucket's sum",
    );
    t.equal(find(s, 'gnocchi_query_projects_seen', { target: 'appcred', query: 'provisioned_vcpus' })[0]?.value, os.projects.length);
  });

  await t.test('a user without the admin role: its own project only, said in the log and in projects_seen', async (t) => {
    const s = (await scrape(exporter.url)).samples;
    t.same(Object.keys(byProject(s, 'gnocchi_provisioned_vcpus', 'viewer')), [os.viewer.projectId]);
    t.equal(find(s, 'gnocchi_query_projects_seen', { target: 'viewer' })[0]?.value, 1);
    t.match(logText(), /"target":"viewer".*the Keystone token has no admin role/);
  });

  await t.test('a wrong password: a clear error, collect_success 0, the exporter keeps serving', async (t) => {
    t.match(state('wrong-password').last?.errors, [/\/v3\/auth\/tokens: HTTP 401: .*The request you have made requires authentication/]);
    const s = (await scrape(exporter.url)).samples;
    t.equal(find(s, 'capacity_exporter_collect_success', { target: 'wrong-password' })[0]?.value, 0);
    t.equal(find(s, 'capacity_exporter_collect_success', { target: 'password-catalog' })[0]?.value, 1);
    t.equal(find(s, 'capacity_exporter_token_requests_total', { target: 'wrong-password', outcome: 'failure' })[0]?.value, 1);
    const health = await request(`${exporter.url}/healthz`);
    t.equal(health.statusCode, 200);
    await health.body.dump();
    t.notMatch(logText(), new RegExp(os.exporter.password), 'no password in the log');
  });

  await t.test('a revoked token: Gnocchi refuses it, the exporter authenticates again and carries on', async (t) => {
    const admin = await os.token({ username: os.admin.name, password: os.admin.password, project: os.admin.project });
    // Disabling a user revokes every token it holds; enabled again, it may log in anew.
    for (const enabled of [false, true]) {
      await api(`${os.keystoneUrl}/users/${os.exporter.id}`, { method: 'PATCH', token: admin, body: { user: { enabled } } });
    }
    // The revocation covers tokens issued up to its second (Fernet times are whole seconds): one issued in the same second would be revoked too.
    await delay(1100);
    const before = (await scrape(exporter.url)).samples;
    const fetched = (s: ParsedSample[]) => find(s, 'capacity_exporter_token_requests_total', { target: 'password-catalog', outcome: 'success' })[0]?.value ?? 0;
    await exporter.runCycle('gnocchi', 'password-catalog');
    t.same(state('password-catalog').last?.errors, [], 'the cycle succeeds');
    const after = (await scrape(exporter.url)).samples;
    t.equal(fetched(after), fetched(before) + 1, 'one new token');
    t.ok(
      (find(after, 'capacity_exporter_upstream_requests_total', { target: 'password-catalog', endpoint: '/v1/aggregates', code: '401' })[0]?.value ?? 0) >= 1,
      'after a 401 from Gnocchi',
    );
    t.same(byProject(after, 'gnocchi_provisioned_vcpus', 'password-catalog'), os.expectedVcpus);
  });

  await t.test('new measures and a deletion show at the next cycle', async (t) => {
    // An instance that last reported 40 minutes ago: its new measure has a 300 s bucket to itself, which
    // Gnocchi's mean would otherwise blend with the older measure of the same bucket.
    const grown = os.instances.find((i) => i.displayName === 'a-quiet')!;
    // Left to gnocchi-metricd, as Ceilometer's measures are.
    await os.addMeasures(grown.id, [{ at: Date.now(), value: 4 }], { refresh: false });
    await until('gnocchi-metricd to process the new measure', async () => ((await os.metricdBacklog()) === 0 ? true : undefined), 60_000, 250);
    const gone = os.instances.find((i) => i.endedAt === null && i.displayName === 'b-small')!;
    await os.deleteInstance(gone.id);
    await exporter.runCycle('gnocchi', 'appcred');
    const s = (await scrape(exporter.url)).samples;
    const expected = os.expectedVcpusWithin(3_600_000);
    t.equal(expected[grown.projectId], (os.expectedVcpus[grown.projectId] ?? 0) + 2);
    t.equal(expected[gone.projectId], (os.expectedVcpus[gone.projectId] ?? 0) - gone.vcpus);
    t.same(byProject(s, 'gnocchi_provisioned_vcpus', 'appcred'), expected);
  });

  await exporter.close();
  const dir = os.dir;
  await os.stop();
  t.same(pids.filter(alive), [], 'every daemon stopped by its PID');
  t.notOk(existsSync(dir), 'the temp dir is removed');
});
