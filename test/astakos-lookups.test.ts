import t from 'tap';
import { astakosSamples, astakosSetup, duplicates, value } from './helpers/astakos-setup.js';
import type { ParsedSample } from './helpers/exposition.js';

/** Uuids Astakos has never heard of, shaped like real ones. */
function unknownUsers(n: number, from = 0): string[] {
  return Array.from({ length: n }, (_, i) => `00000000-0000-4000-a000-${String(from + i).padStart(12, '0')}`);
}

const holders = (s: ParsedSample[]) => [...new Set(astakosSamples(s, 'astakos_quota_limit').map((x) => x.labels.holder))].sort();

t.test('users across chunks, some unknown: a chunk Astakos answers 404 itemNotFound holds no users, and costs the others nothing', async (t) => {
  // 100 uuids per request: [u0 + 99 unknown] answers u0 alone, [100 unknown] answers 404, [u1, u2] both.
  let users: string[] = [];
  const { sim, samples, errors, cycle, logText } = await astakosSetup(t, { shape: 'released' }, (sim) => {
    users = [sim.users[0]!.uuid, ...unknownUsers(199), sim.users[1]!.uuid, sim.users[2]!.uuid];
    return { users, auth: { serviceTokens: [{ token: sim.serviceToken('cyclades') }, { token: sim.serviceToken('pithos') }] } };
  });
  t.same(errors(), [], 'a 404 chunk is not an error');
  let s = await samples();
  t.same(duplicates(s), []);
  t.same(holders(s), sim.users.map((u) => u.uuid).sort(), 'every known user of every chunk');
  const u1 = sim.users[1]!.uuid;
  t.equal(value(s, 'astakos_quota_usage', { holder: u1, source: u1, resource: 'pithos.diskspace' }), Number(sim.holding(1, u1, 'pithos.diskspace').usage));
  t.equal(value(s, 'capacity_exporter_collect_success', { source: 'astakos' }), 1);
  t.equal(sim.server.hits(/\/service_quotas$/), 6, 'three chunks per token, none asked again user by user');
  t.match(logText(), /Astakos knows none of these users/, 'the 404 chunk is logged');
  t.match(logText(), /"unknown":199/, 'so are the configured users Astakos does not know');
  t.notMatch(logText(), /one uuid at a time/);

  sim.deleteUser(2);
  sim.setHolding(0, sim.users[0]!.uuid, 'cyclades.disk', { usage: 4321n });
  await cycle();
  t.same(errors(), []);
  s = await samples();
  t.same(holders(s), [sim.users[0]!.uuid, u1].sort(), 'a user removed from Astakos goes at once');
  t.equal(value(s, 'astakos_quota_usage', { holder: sim.users[0]!.uuid, source: sim.users[0]!.uuid, resource: 'cyclades.disk' }), 4321);
});

t.test('every configured user unknown: no series, no error', async (t) => {
  const { samples, errors } = await astakosSetup(t, { shape: 'released' }, (sim) => ({
    users: unknownUsers(3),
    auth: { serviceTokens: [{ token: sim.serviceToken('cyclades') }] },
  }));
  t.same(errors(), []);
  t.same(holders(await samples()), []);
});

t.test('an older Synnefo reads ?user= as one uuid: a list answered 404 is asked user by user, and from then on one at a time', async (t) => {
  const { sim, samples, errors, cycle, logText } = await astakosSetup(t, { shape: 'released', listFilters: false }, (sim) => ({
    users: [sim.users[0]!.uuid, sim.users[1]!.uuid, ...unknownUsers(2)],
    auth: { serviceTokens: [{ token: sim.serviceToken('cyclades') }] },
  }));
  t.same(errors(), []);
  t.same(holders(await samples()), [sim.users[0]!.uuid, sim.users[1]!.uuid].sort());
  t.equal(sim.server.hits(/\/service_quotas$/), 1 + 4, 'the list, then each user');
  t.match(logText(), /one uuid at a time/);
  await cycle();
  t.equal(sim.server.hits(/\/service_quotas$/), 5 + 4, 'the next cycle asks each user at once');
  t.same(holders(await samples()), [sim.users[0]!.uuid, sim.users[1]!.uuid].sort());
});

t.test("a chunk that fails keeps only its own users' series (stale), the other chunks' are fresh", async (t) => {
  const { sim, samples, errors, cycle } = await astakosSetup(t, { shape: 'released' }, (sim) => ({
    users: [sim.users[0]!.uuid, ...unknownUsers(99), sim.users[1]!.uuid],
    auth: { serviceTokens: [{ token: sim.serviceToken('cyclades') }] },
  }));
  const [u0, u1] = [sim.users[0]!.uuid, sim.users[1]!.uuid];
  const before = await samples();
  // The second chunk (u1 alone) is answered 500 from now on.
  const original = sim.serviceQuotas.bind(sim);
  sim.serviceQuotas = (component, uuids, sources) => {
    if (uuids?.length === 1) throw new Error('database is locked');
    return original(component, uuids, sources);
  };
  sim.setHolding(0, u0, 'cyclades.disk', { usage: 111n });
  sim.setHolding(1, u1, 'cyclades.disk', { usage: 222n });
  await cycle();
  t.equal(errors().length, 1);
  t.match(errors()[0], /\/service_quotas: HTTP 500 internalServerError: database is locked/);
  const s = await samples();
  t.same(duplicates(s), []);
  t.equal(value(s, 'astakos_quota_usage', { holder: u0, source: u0, resource: 'cyclades.disk' }), 111, 'fresh from the chunk that answered');
  t.equal(
    value(s, 'astakos_quota_usage', { holder: u1, source: u1, resource: 'cyclades.disk' }),
    value(before, 'astakos_quota_usage', { holder: u1, source: u1, resource: 'cyclades.disk' }),
    "the failed chunk's user keeps its previous value",
  );
});
