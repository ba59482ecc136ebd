import t from 'tap';
import { UNLIMITED, type AstakosSimulator } from '../src/simulator/astakos/index.js';
import { astakosSamples, astakosSetup, duplicates, value } from './helpers/astakos-setup.js';

const limitOf = (l: bigint) => (l === UNLIMITED ? Infinity : Number(l));

/** Every quota series of a user as the simulator holds it, for the given components (all when omitted). */
function expectQuotas(sim: AstakosSimulator, user: number, holder: string, components?: string[]) {
  const out: Array<[string, Record<string, string>, number]> = [];
  for (const source of sim.sourcesOf(user)) {
    for (const r of sim.resources.values()) {
      if (components && !components.includes(r.component)) continue;
      const h = sim.holding(user, source, r.name);
      const labels = { holder, source, resource: r.name };
      out.push(
        ['astakos_quota_limit', labels, limitOf(h.limit)],
        ['astakos_quota_usage', labels, Number(h.usage)],
        ['astakos_quota_pending', labels, Number(h.pending)],
      );
    }
  }
  return out;
}

t.test('released shape, user and service tokens: holder from identity, unlimited, over limit, projects, resources', async (t) => {
  const { sim, samples, errors, logText } = await astakosSetup(t, { shape: 'released' }, (sim) => ({
    auth: { token: sim.userToken(0), serviceTokens: sim.components.map((c) => ({ token: sim.serviceToken(c) })) },
  }));
  t.same(errors(), []);
  const s = await samples();
  t.same(duplicates(s), [], 'the user token and the service tokens see the same quotas: each series once');
  for (let u = 0; u < sim.users.length; u++) {
    for (const [name, labels, v] of expectQuotas(sim, u, sim.users[u]!.uuid)) t.equal(value(s, name, labels), v, `${name} ${JSON.stringify(labels)}`);
  }
  const expected = sim.users.reduce((n, _, u) => n + expectQuotas(sim, u, '').length / 3, 0);
  t.equal(astakosSamples(s, 'astakos_quota_limit').length, expected, 'no other holdings');
  const own0 = { holder: sim.users[0]!.uuid, source: sim.users[0]!.uuid };
  t.equal(value(s, 'astakos_quota_usage', { ...own0, resource: 'cyclades.vm' }), 2, 'at the limit');
  t.equal(value(s, 'astakos_quota_limit', { ...own0, resource: 'cyclades.vm' }), 2);
  t.ok(
    value(s, 'astakos_quota_usage', { ...own0, resource: 'pithos.diskspace' })! > value(s, 'astakos_quota_limit', { ...own0, resource: 'pithos.diskspace' })!,
    'usage over limit is exposed as is',
  );
  t.equal(value(s, 'astakos_quota_limit', { holder: sim.users[1]!.uuid, source: sim.users[1]!.uuid, resource: 'cyclades.ram' }), Infinity, '2^63-1 is +Inf');
  t.equal(value(s, 'astakos_quota_pending', { ...own0, resource: 'cyclades.cpu' }), 1);
  const cpu = sim.holding(0, sim.users[0]!.uuid, 'cyclades.cpu');
  t.equal(value(s, 'astakos_quota_usage', { ...own0, resource: 'cyclades.cpu' }), Number(cpu.usage), 'usage as given: pending not added again');

  const shared = sim.projects[0]!;
  const members = shared.members;
  const projectUsage = members.reduce((n, m) => n + Number(sim.holding(m, shared.id, 'cyclades.vm').usage), 0);
  t.equal(value(s, 'astakos_project_quota_usage', { project: shared.id, resource: 'cyclades.vm' }), projectUsage);
  t.equal(value(s, 'astakos_project_quota_limit', { project: shared.id, resource: 'pithos.diskspace' }), 2 ** 60, 'a finite limit above 2^53 stays finite');
  t.equal(value(s, 'astakos_project_quota_limit', { project: sim.users[0]!.uuid, resource: 'cyclades.vm' }), 2);

  t.equal(value(s, 'astakos_resource_info', { resource: 'cyclades.ram', component: 'cyclades', unit: 'bytes', description: 'Virtual machine memory' }), 1);
  t.equal(value(s, 'astakos_resource_info', { resource: 'cyclades.vm', component: 'cyclades', unit: '', description: 'Number of virtual machines' }), 1);
  t.equal(value(s, 'astakos_pending_commissions', {}), 2);
  for (const token of [sim.userToken(0), ...sim.components.map((c) => sim.serviceToken(c))]) t.notMatch(logText(), token);
  t.equal(sim.server.hits('/identity/v2.0/tokens'), 1);
});

t.test('seed shape, user token only: system and project:<n> sources, configured holder, no identity service', async (t) => {
  const { sim, samples, errors } = await astakosSetup(t, { shape: 'seed' }, (sim) => ({ holder: 'alice', auth: { token: sim.userToken(0) } }));
  t.same(errors(), []);
  const s = await samples();
  t.ok(sim.sourcesOf(0).includes('system'));
  for (const [name, labels, v] of expectQuotas(sim, 0, 'alice')) t.equal(value(s, name, labels), v, `${name} ${JSON.stringify(labels)}`);
  t.same([...new Set(astakosSamples(s, 'astakos_quota_limit').map((x) => x.labels.holder))], ['alice']);
  t.equal(astakosSamples(s, 'astakos_project_quota_limit').length, 0, 'the draft API has no project figures');
  t.equal(astakosSamples(s, 'astakos_pending_commissions').length, 0, 'commissions need a service token');
  t.equal(astakosSamples(s, 'astakos_resource_info').length, sim.resources.size);
  t.equal(sim.server.hits(/identity/), 0);
});

t.test('seed shape default holder is "self"', async (t) => {
  const { samples } = await astakosSetup(t, { shape: 'seed' }, (sim) => ({ auth: { token: sim.userToken(1) } }));
  t.same([...new Set(astakosSamples(await samples(), 'astakos_quota_usage').map((x) => x.labels.holder))], ['self']);
});

t.test('service tokens only: union of the components, restricted to users, commissions summed', async (t) => {
  const { sim, samples, errors, cycle } = await astakosSetup(t, { shape: 'seed', users: 4 }, (sim) => ({
    users: [sim.users[1]!.uuid, sim.users[2]!.uuid],
    auth: { serviceTokens: [{ token: sim.serviceToken('cyclades') }, { token: sim.serviceToken('pithos') }] },
  }));
  t.same(errors(), []);
  const s = await samples();
  t.same(duplicates(s), []);
  t.same([...new Set(astakosSamples(s, 'astakos_quota_limit').map((x) => x.labels.holder))].sort(), [sim.users[1]!.uuid, sim.users[2]!.uuid].sort());
  for (const u of [1, 2]) {
    for (const [name, labels, v] of expectQuotas(sim, u, sim.users[u]!.uuid, ['cyclades', 'pithos']))
      t.equal(value(s, name, labels), v, `${name} ${JSON.stringify(labels)}`);
  }
  t.equal(
    astakosSamples(s).filter((x) => x.labels.resource === 'astakos.pending_app' && x.name.startsWith('astakos_quota')).length,
    0,
    'a component without a token is not seen',
  );
  t.match(sim.server.log.find((r) => r.path.endsWith('/service_quotas'))!.url, `user=${sim.users[1]!.uuid}%2C${sim.users[2]!.uuid}`);
  t.equal(value(s, 'astakos_pending_commissions', {}), 2, "both seeded commissions are cyclades'");
  sim.issueCommission({ user: 3, source: 'system', resource: 'pithos.diskspace', quantity: 5n });
  await cycle();
  t.equal(value(await samples(), 'astakos_pending_commissions', {}), 3, "pithos' commissions are added to cyclades'");
});

t.test('pending commissions appear and resolve; usage already includes pending', async (t) => {
  const { sim, samples, cycle } = await astakosSetup(t, { shape: 'released' }, (sim) => ({
    auth: { serviceTokens: [{ token: sim.serviceToken('cyclades') }, { token: sim.serviceToken('pithos') }] },
  }));
  const u = sim.users[2]!.uuid;
  const labels = { holder: u, source: u, resource: 'pithos.diskspace' };
  const before = await samples();
  const usage0 = value(before, 'astakos_quota_usage', labels)!;
  t.equal(value(before, 'astakos_pending_commissions', {}), 2);

  const serial = sim.issueCommission({ user: 2, source: u, resource: 'pithos.diskspace', quantity: 1000n });
  await cycle();
  let s = await samples();
  t.equal(value(s, 'astakos_pending_commissions', {}), 3);
  t.equal(value(s, 'astakos_quota_pending', labels), 1000);
  t.equal(value(s, 'astakos_quota_usage', labels), usage0 + 1000);

  sim.resolveCommission(serial, false);
  for (const c of [...sim.commissions.keys()]) sim.resolveCommission(c, true);
  await cycle();
  s = await samples();
  t.equal(value(s, 'astakos_pending_commissions', {}), 0);
  t.equal(value(s, 'astakos_quota_pending', labels), 0);
  t.equal(value(s, 'astakos_quota_usage', labels), usage0, 'a rejected commission gives its usage back');
});

t.test('a refused user token ({"unauthorized": ...}) fails only its own part', async (t) => {
  const { sim, samples, errors, logText } = await astakosSetup(t, { shape: 'released' }, (sim) => ({
    auth: { token: 'not-a-valid-token-4711', serviceTokens: [{ token: sim.serviceToken('pithos') }] },
  }));
  t.equal(errors().length, 1);
  t.match(errors()[0], /HTTP 401 unauthorized: Invalid token/);
  const s = await samples();
  t.equal(value(s, 'capacity_exporter_collect_success', { source: 'astakos' }), 0);
  t.ok(astakosSamples(s, 'astakos_quota_limit').length > 0, 'the service token still reads its quotas');
  t.equal(value(s, 'astakos_pending_commissions', {}), 0, 'no pending pithos commissions');
  t.notMatch(logText(), 'not-a-valid-token-4711');
  t.equal(sim.server.hits('/identity/v2.0/tokens'), 1, 'the identity service refused it');
  t.equal(sim.server.hits(/\/quotas$/), 0, 'so /quotas is not asked with it');
});

t.test('a failing /commissions fails only its own part and keeps its previous value', async (t) => {
  const { sim, samples, errors, cycle } = await astakosSetup(t, { shape: 'released' }, (sim) => ({
    auth: { token: sim.userToken(0), serviceTokens: [{ token: sim.serviceToken('cyclades') }] },
  }));
  t.same(errors(), []);
  const own = sim.users[0]!.uuid;
  sim.server.faults.failPaths = [{ pattern: /\/commissions$/, status: 500 }];
  sim.setHolding(0, own, 'cyclades.disk', { usage: 1234n });
  sim.issueCommission({ user: 0, source: own, resource: 'cyclades.vm', quantity: 1n });
  await cycle();
  t.equal(errors().length, 1);
  t.match(errors()[0], /\/commissions: HTTP 500 internalServerError/);
  const s = await samples();
  t.equal(value(s, 'astakos_quota_usage', { holder: own, source: own, resource: 'cyclades.disk' }), 1234, 'quotas are fresh');
  t.equal(value(s, 'astakos_quota_usage', { holder: own, source: own, resource: 'cyclades.vm' }), 3, 'over the limit of 2 by a pending commission');
  t.equal(value(s, 'astakos_pending_commissions', {}), 2, 'the previous count is kept, not dropped');
});

t.test('revoked tokens: every part fails with the Astakos message and the previous series are kept', async (t) => {
  const { sim, samples, errors, cycle } = await astakosSetup(t, { shape: 'released' }, (sim) => ({
    auth: { token: sim.userToken(0), serviceTokens: [{ token: sim.serviceToken('cyclades') }] },
  }));
  const before = astakosSamples(await samples());
  sim.revokeTokens();
  await cycle();
  t.equal(errors().length, 3, 'quotas/user, quotas/service/0 and commissions');
  for (const e of errors()) t.match(e, /HTTP 401 unauthorized: Invalid token/);
  t.same(astakosSamples(await samples()), before);
});

t.test('/resources is read once per discoveryInterval', async (t) => {
  const { sim, cycle, samples } = await astakosSetup(t, { shape: 'seed' }, (sim) => ({ discoveryInterval: '1h', auth: { token: sim.userToken(0) } }));
  sim.resources.delete('astakos.pending_app');
  await cycle();
  await cycle();
  t.equal(sim.server.hits(/\/resources$/), 1);
  t.equal(astakosSamples(await samples(), 'astakos_resource_info').length, sim.resources.size + 1, 'the cached list until the next discovery');
});

t.test('a malformed quota answer fails its part with the JSON path', async (t) => {
  const { sim, errors, cycle } = await astakosSetup(t, { shape: 'seed' }, (sim) => ({ auth: { token: sim.userToken(0) } }));
  // Astakos' entry without its `limit`.
  Reflect.deleteProperty(sim.holding(0, 'system', 'cyclades.vm'), 'limit');
  await cycle();
  t.match(errors(), [/\$\["system"\]\["cyclades\.vm"\]\.limit should be a number/]);
});

t.test('the user token failing keeps its own series, refreshed where a service token also sees them; never twice', async (t) => {
  const { sim, samples, errors, cycle } = await astakosSetup(t, { shape: 'released' }, (sim) => ({
    auth: { token: sim.userToken(0), serviceTokens: [{ token: sim.serviceToken('cyclades') }] },
  }));
  const own = sim.users[0]!.uuid;
  const before = await samples();
  sim.server.faults.failPaths = [{ pattern: /\/quotas$/, status: 503 }];
  sim.setHolding(0, own, 'cyclades.disk', { usage: 777n });
  sim.setHolding(0, own, 'pithos.diskspace', { usage: 888n });
  await cycle();
  t.match(errors(), [/\/quotas: HTTP 503 serviceUnavailable/]);
  const s = await samples();
  t.same(duplicates(s), []);
  const mine = { holder: own, source: own };
  t.equal(value(s, 'astakos_quota_usage', { ...mine, resource: 'cyclades.disk' }), 777, 'fresh from the cyclades service token');
  t.equal(
    value(s, 'astakos_quota_usage', { ...mine, resource: 'pithos.diskspace' }),
    value(before, 'astakos_quota_usage', { ...mine, resource: 'pithos.diskspace' }),
    'only the user token sees pithos: previous value kept',
  );
  t.equal(astakosSamples(s, 'astakos_quota_limit').length, astakosSamples(before, 'astakos_quota_limit').length);
});

t.test("a failing service token keeps the other users' series of its component; the user token refreshes its own", async (t) => {
  const { sim, samples, errors, cycle } = await astakosSetup(t, { shape: 'released' }, (sim) => ({
    auth: { token: sim.userToken(0), serviceTokens: [{ token: sim.serviceToken('cyclades') }, { token: sim.serviceToken('pithos') }] },
  }));
  const [u0, u1] = [sim.users[0]!.uuid, sim.users[1]!.uuid];
  const before = await samples();
  sim.server.faults.failPaths = [{ pattern: /\/service_quotas$/, status: 500 }];
  sim.setHolding(0, u0, 'cyclades.disk', { usage: 321n });
  sim.setHolding(1, u1, 'cyclades.disk', { usage: 654n });
  await cycle();
  t.equal(errors().length, 2, 'one per service token');
  const s = await samples();
  t.same(duplicates(s), []);
  t.equal(value(s, 'astakos_quota_usage', { holder: u0, source: u0, resource: 'cyclades.disk' }), 321);
  t.equal(
    value(s, 'astakos_quota_usage', { holder: u1, source: u1, resource: 'cyclades.disk' }),
    value(before, 'astakos_quota_usage', { holder: u1, source: u1, resource: 'cyclades.disk' }),
  );
  t.equal(astakosSamples(s).length, astakosSamples(before).length);

  sim.server.faults.failPaths = [];
  await cycle();
  t.same(errors(), []);
  t.equal(value(await samples(), 'astakos_quota_usage', { holder: u1, source: u1, resource: 'cyclades.disk' }), 654, 'fresh again');
});

t.test('a deleted user vanishes at the next successful cycle', async (t) => {
  const { sim, samples, cycle } = await astakosSetup(t, { shape: 'seed' }, (sim) => ({
    auth: { serviceTokens: [{ token: sim.serviceToken('cyclades') }, { token: sim.serviceToken('pithos') }] },
  }));
  const gone = sim.users[2]!.uuid;
  t.ok(astakosSamples(await samples()).some((x) => x.labels.holder === gone));
  sim.deleteUser(2);
  await cycle();
  const s = await samples();
  t.notOk(astakosSamples(s).some((x) => x.labels.holder === gone));
  t.ok(astakosSamples(s).some((x) => x.labels.holder === sim.users[1]!.uuid));
});
