import t from 'tap';
import pino from 'pino';
import { HttpClient } from '../src/core/http.js';
import { SelfMetrics } from '../src/core/selfmetrics.js';
import { KeystoneProvider } from '../src/sources/gnocchi/keystone.js';
import type { KeystoneConfig } from '../src/sources/gnocchi/config.js';
import { find } from './helpers/exposition.js';
import { adminPassword, byLabel, startGnocchi, startSim } from './helpers/gnocchi-setup.js';
import { setTimeout as delay } from 'node:timers/promises';

const upstream = (samples: Awaited<ReturnType<Awaited<ReturnType<typeof startGnocchi>>['samples']>>, endpoint: string, code: string) =>
  find(samples, 'capacity_exporter_upstream_requests_total', { source: 'gnocchi', endpoint, code })[0]?.value ?? 0;

t.test('Keystone password, endpoint from the catalog: per-project vCPUs, X-Auth-Token sent, secrets never logged', async (t) => {
  const sim = await startSim(t);
  const g = await startGnocchi(t, sim, { auth: adminPassword(sim) });
  t.same(g.errors(), []);
  const s = await g.samples();
  t.same(byLabel(s, 'gnocchi_provisioned_vcpus'), sim.liveVcpusByProject(), 'every project of the admin view, live instances only');
  t.equal(sim.keystone.tokens.issued, 1);
  const call = sim.server.log.find((r) => r.path === '/v1/aggregates')!;
  t.ok(sim.keystone.validate(call.headers['x-auth-token'] as string), 'Gnocchi got the Keystone token as X-Auth-Token');
  t.notOk(sim.keystone.server.log[0]!.url.includes('nocatalog'), 'the catalog is asked for when there is no baseUrl');
  t.notMatch(g.logText(), sim.admin.password);
  t.notMatch(g.logText(), call.headers['x-auth-token']);
  t.equal(find(s, 'capacity_exporter_token_requests_total', { source: 'gnocchi', outcome: 'success' })[0]?.value, 1);
});

t.test('application credential (scoped by itself), with a baseUrl: no catalog asked for', async (t) => {
  const sim = await startSim(t);
  const g = await startGnocchi(t, sim, {
    baseUrl: `${sim.baseUrl}/v1`,
    auth: { keystone: { url: sim.keystone.url, applicationCredentialId: sim.adminCredential.id, applicationCredentialSecret: sim.adminCredential.secret } },
  });
  t.same(g.errors(), []);
  t.same(byLabel(await g.samples(), 'gnocchi_provisioned_vcpus'), sim.liveVcpusByProject());
  t.match(sim.keystone.server.log[0]!.url, /^\/v3\/auth\/tokens\?nocatalog/, 'a bare Keystone URL gets /v3; the catalog is skipped');
  t.notMatch(g.logText(), sim.adminCredential.secret);
});

t.test('a non-admin token sees its own project only', async (t) => {
  const sim = await startSim(t);
  const g = await startGnocchi(t, sim, {
    auth: {
      keystone: { url: `${sim.keystone.url}/v3`, applicationCredentialId: sim.memberCredential.id, applicationCredentialSecret: sim.memberCredential.secret },
    },
  });
  const own = sim.projects[0]!.id;
  const s = await g.samples();
  t.same(byLabel(s, 'gnocchi_provisioned_vcpus'), new Map([[own, sim.liveVcpusByProject().get(own)]]));
  t.same(g.errors(), [], 'Gnocchi says nothing of it');
  t.equal(find(s, 'gnocchi_query_projects_seen', { query: 'provisioned_vcpus' })[0]?.value, 1, 'but the exporter shows how many projects it sees');
  t.match(g.logText(), /the Keystone token has no admin role: Gnocchi shows it only its own project's resources/);
  await g.cycle();
  t.equal(g.logText().match(/has no admin role/g)?.length, 1, 'warned once');
});

t.test('an admin token sees every project, and says how many', async (t) => {
  const sim = await startSim(t);
  const g = await startGnocchi(t, sim, { auth: adminPassword(sim) });
  const s = await g.samples();
  t.equal(find(s, 'gnocchi_query_projects_seen', { query: 'provisioned_vcpus' })[0]?.value, sim.liveVcpusByProject().size);
  t.notMatch(g.logText(), /no admin role/);
});

t.test('an expiring token is renewed before it expires, without a 401', async (t) => {
  // Renewed at half of 4 s: the cycle after 2.2 s has until 4.2 s before a second renewal is due, time enough on a loaded CI machine.
  const sim = await startSim(t, { tokenTtlSeconds: 4 });
  const g = await startGnocchi(t, sim, { auth: adminPassword(sim) });
  t.equal(sim.keystone.tokens.issued, 1);
  await delay(2200);
  await g.cycle();
  t.same(g.errors(), []);
  t.equal(sim.keystone.tokens.issued, 2, 'renewed at half its (short) lifetime');
  const s = await g.samples();
  t.equal(upstream(s, '/v1/aggregates', '401'), 0, 'Gnocchi never saw the old token after expiry');
  t.equal(upstream(s, '/v1/aggregates', '200'), 2);
  t.same(byLabel(s, 'gnocchi_provisioned_vcpus'), sim.liveVcpusByProject());
});

t.test('a token revoked upstream: once Gnocchi no longer trusts it, the 401 drops it, a new one is fetched and the request retried once', async (t) => {
  let offset = 0;
  const sim = await startSim(t, { now: () => Date.now() + offset });
  const g = await startGnocchi(t, sim, { auth: adminPassword(sim) });
  sim.keystone.revokeAll();
  await g.cycle();
  t.same(g.errors(), []);
  let s = await g.samples();
  t.equal(upstream(s, '/v1/aggregates', '401'), 0, 'Gnocchi still trusts the token it validated (token_cache_time)');
  t.equal(sim.keystone.tokens.issued, 1);
  offset = 301_000;
  await g.cycle();
  t.same(g.errors(), []);
  s = await g.samples();
  t.equal(sim.keystone.tokens.issued, 2);
  t.equal(upstream(s, '/v1/aggregates', '401'), 1);
  t.equal(upstream(s, '/v1/aggregates', '200'), 3);
  t.same(byLabel(s, 'gnocchi_provisioned_vcpus'), sim.liveVcpusByProject());
});

t.test("an unknown application credential: Keystone's 404 fails the query and says which credential", async (t) => {
  const sim = await startSim(t);
  const g = await startGnocchi(t, sim, {
    auth: {
      keystone: { url: sim.keystone.url, applicationCredentialId: 'ffffffffffffffffffffffffffffffff', applicationCredentialSecret: 'secret-never-logged' },
    },
  });
  t.match(g.errors().join('\n'), /\/v3\/auth\/tokens: HTTP 404: .*Could not find Application Credential: ffffffffffffffffffffffffffffffff\./);
  t.notMatch(g.logText(), 'secret-never-logged');
});

t.test("wrong password: the query fails with Keystone's 401, the password is not logged", async (t) => {
  const sim = await startSim(t);
  const g = await startGnocchi(t, sim, {
    auth: { keystone: { url: sim.keystone.url, username: 'exporter', password: 'not-the-password-42', project: 'admin' } },
  });
  t.match(g.errors().join('\n'), /\/v3\/auth\/tokens: HTTP 401: .*The request you have made requires authentication/);
  const s = await g.samples();
  t.equal(find(s, 'gnocchi_provisioned_vcpus').length, 0);
  t.equal(find(s, 'capacity_exporter_token_requests_total', { source: 'gnocchi', outcome: 'failure' })[0]?.value, 1);
  t.notMatch(g.logText(), 'not-the-password-42');
});

t.test('catalog: interface and region pick the endpoint; several regions without a choice is an error', async (t) => {
  const sim = await startSim(t, { regions: ['RegionOne', 'RegionTwo'] });
  const dead = 'http://127.0.0.1:9/gnocchi';
  const g = await startGnocchi(t, sim, { auth: adminPassword(sim) });
  t.match(g.errors().join('\n'), /metric endpoints in several regions \(RegionOne, RegionTwo\): set auth.keystone.region/);

  sim.keystone.setEndpoints('metric', 'gnocchi', [
    { interface: 'public', region: 'RegionOne', url: dead },
    { interface: 'internal', region: 'RegionOne', url: dead },
    { interface: 'public', region: 'RegionTwo', url: dead },
    { interface: 'internal', region: 'RegionTwo', url: sim.baseUrl },
  ]);
  const auth = adminPassword(sim);
  (auth.keystone as Record<string, unknown>).interface = 'internal';
  (auth.keystone as Record<string, unknown>).region = 'RegionTwo';
  const h = await startGnocchi(t, sim, { auth });
  t.same(h.errors(), []);
  t.same(byLabel(await h.samples(), 'gnocchi_provisioned_vcpus'), sim.liveVcpusByProject());

  (auth.keystone as Record<string, unknown>).interface = 'admin';
  const i = await startGnocchi(t, sim, { auth });
  t.match(
    i.errors().join('\n'),
    /no metric endpoint with interface admin in region RegionTwo \(it has public@RegionOne, internal@RegionOne, public@RegionTwo, internal@RegionTwo\)/,
  );
});

t.test('a static token is sent as X-Auth-Token to the configured baseUrl', async (t) => {
  const sim = await startSim(t);
  const token = sim.keystone.issueFor(sim.admin, sim.keystone.projects[0]!.id);
  const g = await startGnocchi(t, sim, { baseUrl: sim.baseUrl, auth: { token } });
  t.same(g.errors(), []);
  t.same(byLabel(await g.samples(), 'gnocchi_provisioned_vcpus'), sim.liveVcpusByProject());
  t.equal(sim.server.log.find((r) => r.path === '/v1/aggregates')!.headers['x-auth-token'], token);
  t.equal(sim.keystone.server.log.length, 0, 'Keystone is not asked');
  t.notMatch(g.logText(), token);
});

t.test('KeystoneProvider refreshes 120 s before expires_at', async (t) => {
  const sim = await startSim(t, { tokenTtlSeconds: 600 });
  const log = pino({ level: 'silent' });
  const metrics = new SelfMetrics('test');
  const http = new HttpClient({
    source: 'gnocchi',
    target: 'g',
    timeoutMs: 5000,
    retries: 0,
    maxResponseBytes: 1 << 20,
    concurrency: 2,
    requestsPerSecond: 0,
    metrics,
    log,
  });
  t.teardown(() => http.close());
  const started = Date.now();
  let now = started;
  const keystone: KeystoneConfig = {
    url: sim.keystone.url,
    username: 'exporter',
    userId: '',
    password: sim.admin.password,
    userDomain: 'Default',
    userDomainId: '',
    project: 'admin',
    projectId: '',
    projectDomain: 'Default',
    projectDomainId: '',
    applicationCredentialId: '',
    applicationCredentialSecret: '',
    interface: 'public',
    region: '',
  };
  const provider = new KeystoneProvider({ tokens: metrics.tokenObserver('gnocchi', 'g'), http, keystone, needCatalog: true, now: () => now });
  const first = await provider.headers({});
  now = started + 470_000;
  t.same(await provider.headers({}), first, 'still used 130 s before expiry');
  t.equal(sim.keystone.tokens.issued, 1);
  now = started + 485_000;
  const second = await provider.headers({});
  t.not(second['x-auth-token'], first['x-auth-token'], 'replaced within 120 s of expiry');
  t.equal(sim.keystone.tokens.issued, 2);
  t.equal(await provider.endpoint({}), sim.baseUrl);
});
