import t from 'tap';
import { UNLIMITED } from '../src/simulator/astakos/index.js';
import { astakosSamples, astakosSetup, duplicates, value } from './helpers/astakos-setup.js';

const everyServiceToken = (sim: { components: string[]; serviceToken(c: string): string }) => sim.components.map((c) => ({ token: sim.serviceToken(c) }));

t.test('/service_project_quotas: projects without visible members are exposed, each project series once', async (t) => {
  let lonelyId = '';
  let orphanId = '';
  const { sim, samples, errors } = await astakosSetup(t, { shape: 'released' }, (sim) => {
    // Nobody in it yet, but the project counter holds what a former member left.
    lonelyId = sim.addProject({ limits: { 'cyclades.vm': 10n }, retained: { 'cyclades.vm': 3n } }).id;
    // Its only member was removed from Astakos; their usage stays in the project's counter.
    const orphan = sim.addProject({ members: [2], limits: { 'pithos.diskspace': 50n } });
    orphanId = orphan.id;
    sim.setHolding(2, orphan.id, 'pithos.diskspace', { usage: 40n });
    sim.deleteUser(2);
    return { auth: { token: sim.userToken(0), serviceTokens: everyServiceToken(sim) } };
  });
  t.same(errors(), []);
  const s = await samples();
  t.same(duplicates(s), [], "members' answers and the project endpoint report the same project series: each once");
  const lonely = (resource: string) => ({ project: lonelyId, resource });
  t.equal(value(s, 'astakos_project_quota_limit', lonely('cyclades.vm')), 10);
  t.equal(value(s, 'astakos_project_quota_usage', lonely('cyclades.vm')), 3);
  t.equal(value(s, 'astakos_project_quota_pending', lonely('cyclades.vm')), 0);
  t.equal(value(s, 'astakos_project_quota_limit', lonely('astakos.pending_app')), 2, "every component's resources");
  t.equal(value(s, 'astakos_project_quota_usage', { project: orphanId, resource: 'pithos.diskspace' }), 40);
  t.notOk(
    astakosSamples(s).some((x) => x.labels.holder === sim.users[2]!.uuid),
    'the removed member has no series',
  );
  t.notOk(
    astakosSamples(s).some((x) => x.labels.project === sim.users[2]!.uuid),
    'nor has their own project',
  );

  const shared = sim.projects[0]!;
  const usage = shared.members.reduce((n, m) => n + Number(sim.holding(m, shared.id, 'cyclades.vm').usage), 0);
  t.equal(value(s, 'astakos_project_quota_usage', { project: shared.id, resource: 'cyclades.vm' }), usage, 'a project with members: its counter');
  const own1 = sim.users[1]!.uuid;
  t.equal(value(s, 'astakos_project_quota_limit', { project: own1, resource: 'cyclades.ram' }), Infinity, "a user's own project: unlimited is +Inf");
  const projects = new Set(astakosSamples(s, 'astakos_project_quota_limit').map((x) => x.labels.project));
  t.same([...projects].sort(), [sim.users[0]!.uuid, own1, ...sim.projects.map((p) => p.id)].sort(), 'every project Astakos has, and no other');
});

t.test("/service_project_quotas failing: the project-only series are kept (stale), the members' projects refreshed", async (t) => {
  let lonelyId = '';
  const { sim, samples, errors, cycle } = await astakosSetup(t, { shape: 'released' }, (sim) => {
    lonelyId = sim.addProject({ retained: { 'cyclades.cpu': 5n } }).id;
    return { auth: { serviceTokens: [{ token: sim.serviceToken('cyclades') }] } };
  });
  t.same(errors(), []);
  const lonely = { project: lonelyId, resource: 'cyclades.cpu' };
  t.equal(value(await samples(), 'astakos_project_quota_usage', lonely), 5);
  sim.server.faults.failPaths = [{ pattern: /\/service_project_quotas$/, status: 503 }];
  sim.projects.find((p) => p.id === lonelyId)!.retained.set('cyclades.cpu', { usage: 6n, pending: 0n });
  const shared = sim.projects[0]!;
  sim.setHolding(shared.members[0]!, shared.id, 'cyclades.cpu', { usage: 777n });
  await cycle();
  t.equal(errors().length, 1);
  t.match(errors()[0], /\/service_project_quotas: HTTP 503 serviceUnavailable/);
  const s = await samples();
  t.same(duplicates(s), []);
  t.equal(value(s, 'astakos_project_quota_usage', lonely), 5, 'previous value kept until maxStaleness');
  const usage = shared.members.reduce((n, m) => n + Number(sim.holding(m, shared.id, 'cyclades.cpu').usage), 0);
  t.equal(value(s, 'astakos_project_quota_usage', { project: shared.id, resource: 'cyclades.cpu' }), usage, "fresh from the members' answers");
  t.equal(value(s, 'capacity_exporter_collect_success', { source: 'astakos' }), 0);
});

t.test('an Astakos without /service_project_quotas (the draft API): no error, asked again only after discoveryInterval', async (t) => {
  const { sim, errors, cycle, logText } = await astakosSetup(t, { shape: 'seed' }, (sim) => ({
    discoveryInterval: '1h',
    auth: { serviceTokens: [{ token: sim.serviceToken('cyclades') }, { token: sim.serviceToken('pithos') }] },
  }));
  t.same(errors(), []);
  await cycle();
  t.same(errors(), []);
  t.equal(sim.server.hits(/\/service_project_quotas$/), 2, 'one probe per token, in the first cycle');
  t.match(logText(), /no \/service_project_quotas/);
});

t.test("with users, projects' own figures come only from the listed projects, unknown ones costing nothing", async (t) => {
  let lonelyId = '';
  const { sim, samples, errors } = await astakosSetup(t, { shape: 'released', users: 4 }, (sim) => {
    lonelyId = sim.addProject({ retained: { 'cyclades.vm': 1n } }).id;
    return {
      users: [sim.users[0]!.uuid],
      projects: [lonelyId, '00000000-0000-4000-a000-00000000dead'],
      auth: { serviceTokens: [{ token: sim.serviceToken('cyclades') }] },
    };
  });
  t.same(errors(), []);
  const s = await samples();
  t.equal(value(s, 'astakos_project_quota_usage', { project: lonelyId, resource: 'cyclades.vm' }), 1);
  t.match(sim.server.log.find((r) => r.path.endsWith('/service_project_quotas'))!.url, `project=${lonelyId}%2C`);
  const projects = new Set(astakosSamples(s, 'astakos_project_quota_limit').map((x) => x.labels.project));
  t.same([...projects].sort(), [lonelyId, ...sim.sourcesOf(0)].sort(), "the listed project and user 0's own");
});

t.test('with users and no projects listed, /service_project_quotas is not asked', async (t) => {
  const { sim, errors } = await astakosSetup(t, { shape: 'released' }, (sim) => ({
    users: [sim.users[1]!.uuid],
    auth: { serviceTokens: [{ token: sim.serviceToken('pithos') }] },
  }));
  t.same(errors(), []);
  t.equal(sim.server.hits(/\/service_project_quotas$/), 0);
});

t.test('astakos_quota_effective_limit: min(limit, project_limit - (project_usage - usage)), +Inf when unlimited', async (t) => {
  let pid = '';
  let free = '';
  const { sim, samples, errors } = await astakosSetup(t, { shape: 'released' }, (sim) => {
    const p = sim.addProject({ members: [0, 1, 2], limits: { 'cyclades.vm': 6n, 'cyclades.ram': UNLIMITED, 'cyclades.cpu': 8n } });
    pid = p.id;
    sim.setHolding(0, pid, 'cyclades.vm', { limit: 5n, usage: 1n });
    sim.setHolding(1, pid, 'cyclades.vm', { limit: 5n, usage: 4n });
    sim.setHolding(2, pid, 'cyclades.vm', { limit: 5n, usage: 0n });
    sim.setHolding(0, pid, 'cyclades.ram', { limit: UNLIMITED, usage: 7n });
    sim.setHolding(1, pid, 'cyclades.ram', { limit: 100n, usage: 7n });
    sim.setHolding(0, pid, 'cyclades.cpu', { limit: UNLIMITED, usage: 2n });
    sim.setHolding(1, pid, 'cyclades.cpu', { limit: 4n, usage: 4n });
    sim.setHolding(2, pid, 'cyclades.cpu', { limit: 4n, usage: 4n });
    free = sim.addProject({ members: [0], limits: { 'cyclades.vm': 10n } }).id;
    return { auth: { serviceTokens: [{ token: sim.serviceToken('cyclades') }] } };
  });
  t.same(errors(), []);
  const s = await samples();
  t.same(duplicates(s), []);
  const effective = (user: number, source: string, resource: string) =>
    value(s, 'astakos_quota_effective_limit', { holder: sim.users[user]!.uuid, source, resource });
  t.equal(effective(0, pid, 'cyclades.vm'), 2, 'the project binds first: 6 - (5 - 1)');
  t.equal(effective(1, pid, 'cyclades.vm'), 5, "the member's own limit binds first: min(5, 6 - 1)");
  t.equal(effective(2, pid, 'cyclades.vm'), 1, 'a member with nothing used gets what the project has left');
  t.equal(effective(0, pid, 'cyclades.ram'), Infinity, 'unlimited member in an unlimited project');
  t.equal(effective(1, pid, 'cyclades.ram'), 100, "an unlimited project leaves the member's own limit");
  t.equal(effective(0, pid, 'cyclades.cpu'), 0, 'project over its limit (10 of 8): below what the member already uses');
  t.equal(effective(0, free, 'cyclades.vm'), 4, 'the only member: its own limit');
  const own = sim.users[0]!.uuid;
  t.equal(
    effective(0, own, 'cyclades.vm'),
    value(s, 'astakos_quota_limit', { holder: own, source: own, resource: 'cyclades.vm' }),
    "a user's own project: the member limit",
  );
  t.equal(
    astakosSamples(s, 'astakos_quota_effective_limit').length,
    astakosSamples(s, 'astakos_quota_limit').length,
    'released Astakos gives project figures with every entry: one effective limit per quota',
  );
});

t.test('no effective limit where Astakos gives no project figures (the draft API)', async (t) => {
  const { samples, errors } = await astakosSetup(t, { shape: 'seed' }, (sim) => ({ auth: { token: sim.userToken(0) } }));
  t.same(errors(), []);
  const s = await samples();
  t.ok(astakosSamples(s, 'astakos_quota_limit').length > 0);
  t.equal(astakosSamples(s, 'astakos_quota_effective_limit').length, 0);
});
