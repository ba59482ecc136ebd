import t, { type Test } from 'tap';
import { setTimeout as delay } from 'node:timers/promises';
import { request } from 'undici';
import { IntercloudSimulator, REGIONS } from '../src/simulator/intercloud/index.js';

interface Identified {
  id: string;
}
interface RunBody {
  axis: { non_negative_derivative: { unit: string } };
  Results: Array<{ Series: Array<{ values: Array<[string, number | null]> }> | null }>;
}
interface TokenBody {
  access_token: string;
}

/** GET with the PAT. */
async function get(sim: IntercloudSimulator, path: string, headers: Record<string, string> = {}) {
  const res = await request(`${sim.url}${path}`, { headers: { authorization: `Bearer ${sim.personalAccessToken}`, ...headers } });
  return { status: res.statusCode, body: await res.body.json() };
}

function points(body: RunBody): Array<[string, number | null]> {
  return body.Results[0]?.Series?.[0]?.values ?? [];
}

async function started(t: Test, opts: ConstructorParameters<typeof IntercloudSimulator>[0] = {}) {
  const sim = new IntercloudSimulator(opts);
  await sim.listen();
  t.teardown(() => sim.close());
  return sim;
}

t.test('deterministic for a seed, different for another', async (t) => {
  const shape = (s: IntercloudSimulator) =>
    s.organisations().map((o) => [o.id, o.name, o.parentId, o.groups.map((g) => [g.irn, g.metrics.map((m) => m.name)])]);
  const opts = { organisations: 20, depth: 3 };
  t.same(shape(new IntercloudSimulator({ seed: 5, ...opts })), shape(new IntercloudSimulator({ seed: 5, ...opts })));
  t.notSame(shape(new IntercloudSimulator({ seed: 6, ...opts })), shape(new IntercloudSimulator({ seed: 5, ...opts })));
  const sim = new IntercloudSimulator({ seed: 5, organisations: 40, depth: 3 });
  const counts = sim.groups().map((g) => g.metrics.length);
  t.ok(counts.every((c) => c >= 0 && c <= REGIONS.length) && counts.includes(0), 'groups with 0..7 regions');
  t.ok(Math.max(...sim.organisations().map((o) => sim.depthOf(o.id))) === 3, 'nested to the configured depth');
});

t.test('scope: a child is only reachable with InterCloud-Scope set to it', async (t) => {
  const sim = await started(t, { seed: 3, organisations: 4, depth: 2, groupsPerOrg: 1, regionsPerGroup: 1 });
  const child = sim.organisations()[1]!;
  const group = child.groups[0]!;
  t.equal((await get(sim, `/organisations/${child.id}`)).status, 403, 'child organisation without scope');
  t.match((await get(sim, `/organisations/${child.id}`, { 'InterCloud-Scope': child.id })).body, { id: child.id });
  t.same(
    ((await get(sim, '/groups')).body as Identified[]).map((g) => g.id),
    sim.root.groups.map((g) => g.id),
    'no scope: own groups',
  );
  t.match((await get(sim, '/groups', { 'intercloud-scope': child.id })).body, [{ id: group.id }]);
  t.equal((await get(sim, '/groups', { 'intercloud-scope': 'a9910752-3a6b-44db-88b0-ac558614ac99' })).status, 403, 'foreign scope');
  t.equal((await get(sim, `/metrics/query/irn/${group.irn}`)).status, 403, 'child group metrics without scope');
  t.same((await get(sim, `/metrics/query/irn/${group.irn}`, { 'intercloud-scope': child.id })).body, group.metrics);
  t.match((await get(sim, '/me/info')).body, { organisationId: sim.root.id });
});

t.test('/run: 5-minute aligned points in bps; nulls; empty answers; + must be encoded', async (t) => {
  const sim = await started(t, { seed: 9, organisations: 1, groupsPerOrg: 30, regionsPerGroup: 1, nullRate: 0.3, emptyRate: 0.3 });
  const end = Date.parse('2020-06-24T13:00:00Z');
  let nulls = 0;
  let empty = 0;
  for (const g of sim.root.groups) {
    const r = await get(sim, `/metrics/query/irn/${g.irn}/${g.metrics[0]!.name}/run?start-d=2020-06-24T12:30:00%2B00:00&end-d=2020-06-24T13:00:00Z`);
    const body = r.body as RunBody;
    t.equal(r.status, 200);
    t.equal(body.axis.non_negative_derivative.unit, 'bps');
    const vals = points(body);
    if (vals.length === 0) empty += 1;
    for (const [time, v] of vals) {
      const ms = Date.parse(time);
      if (ms % 300_000 !== 0 || ms > end || ms < end - 1_800_000) t.fail(`bad point time ${time}`);
      if (v === null) nulls += 1;
    }
  }
  t.ok(nulls > 0, 'some null points');
  t.ok(empty > 0, 'some empty series');
  const g = sim.root.groups[0]!;
  const raw = await get(sim, `/metrics/query/irn/${g.irn}/${g.metrics[0]!.name}/run?start-d=2020-06-24T12:30:00+01:00&end-d=2020-06-24T13:00:00Z`);
  t.equal(raw.status, 400, 'an unencoded + reads as a space');
});

t.test('tokens: password grant, expiry, revocation', async (t) => {
  const sim = await started(t, { seed: 4, organisations: 1, tokenTtlSeconds: 0.2 });
  const token = async (basic: string, body: unknown) => {
    const res = await request(`${sim.url}/auth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.statusCode, body: (await res.body.json()) as TokenBody };
  };
  const grant = { grant_type: 'password', username: sim.username, password: sim.password, scope: 'everything' };
  t.equal((await token('d3Jvbmc=', grant)).status, 401);
  t.equal((await token(sim.basicToken, { ...grant, password: 'nope' })).status, 400);
  const ok = await token(sim.basicToken, grant);
  t.match(ok.body, { token_type: 'Bearer', expires_in: 0.2, scope: 'everything', access_token: String, refresh_token: String });
  const me = (tk: string) =>
    request(`${sim.url}/me/info`, { headers: { authorization: `Bearer ${tk}` } }).then(async (r) => (await r.body.dump(), r.statusCode));
  t.equal(await me(ok.body.access_token), 200);
  await delay(250);
  t.equal(await me(ok.body.access_token), 401, 'expired');
  const again = await token(sim.basicToken, grant);
  sim.expireTokens();
  t.equal(await me(again.body.access_token), 401, 'revoked');
  t.equal(await me(sim.personalAccessToken), 200, 'PAT unaffected');
});

t.test('groups carry allocatedCapacity (kbit/s or null) and flow counts; organisations capacities', async (t) => {
  const sim = await started(t, { seed: 21, organisations: 30, depth: 3, groupsPerOrg: [1, 3] });
  const groups = sim.groups();
  const allocated = groups.filter((g) => g.allocatedCapacity !== null);
  t.ok(allocated.length > 0 && allocated.length < groups.length, `some groups with an allocated capacity (${allocated.length} of ${groups.length})`);
  t.ok(
    allocated.every((g) => typeof g.allocatedCapacity === 'number' && g.allocatedCapacity % 1_000 === 0),
    'in kbit/s, sizes as sold',
  );
  t.ok(groups.some((g) => g.countFlowConnectors > 0) && groups.some((g) => g.countFlowLinks > 0), 'some flow connectors and links');
  const child = sim.organisations().find((o) => o !== sim.root && o.groups.some((g) => g.allocatedCapacity !== null))!;
  const listed = (await get(sim, '/groups', { 'intercloud-scope': child.id })).body as Array<Record<string, unknown>>;
  t.same(
    listed.map((g) => [g.id, g.allocatedCapacity, g.countFlowConnectors, g.countFlowLinks]),
    child.groups.map((g) => [g.id, g.allocatedCapacity, g.countFlowConnectors, g.countFlowLinks]),
    'GET /groups answers them',
  );

  const orgs = sim.organisations();
  const shapes = new Set(orgs.map((o) => (o.capacities === null ? 'null' : Array.isArray(o.capacities) ? 'list' : 'object')));
  t.same([...shapes].sort(), ['list', 'null', 'object'], 'capacities null, as an object of region -> kbit/s, or as a list');
  const withCapacities = orgs.find((o) => o !== sim.root && o.capacities !== null)!;
  t.same(
    ((await get(sim, `/organisations/${withCapacities.id}`, { 'intercloud-scope': withCapacities.id })).body as { capacities: unknown }).capacities,
    withCapacities.capacities,
  );
  sim.root.capacities = { europe: '5000000', japan: null };
  t.same(
    ((await get(sim, `/organisations/${sim.root.id}`)).body as { capacities: unknown }).capacities,
    { europe: '5000000', japan: null },
    'tests may set any JSON',
  );
});

t.test("a seed's tree stays as it was before capacities and flow counts were drawn", async (t) => {
  // Other tests rely on the shape of their seed's world (nesting, shards), so new fields draw from hashes, not the rng.
  const sim = new IntercloudSimulator({ seed: 7, organisations: 6, depth: 3, groupsPerOrg: [1, 2] });
  t.equal(sim.root.id, 'a099bf4f-ac9d-4f89-a63d-dbaf9bf739cd');
  t.equal(sim.root.groups[0]!.irn, 'irn:group:dbaf9bf739cd::ynpj198');
  t.same(
    sim.organisations()[1]!.groups.map((g) => g.id),
    ['116cb471-7682-44bd-a2be-4da511fb4818', '9bd1950e-4245-4ddc-adab-b46a5379a6b3'],
  );
});

t.test('steady: values and nulls do not follow the clock', async (t) => {
  const sim = await started(t, { seed: 13, organisations: 2, groupsPerOrg: 20, regionsPerGroup: 1, nullRate: 0.2, emptyRate: 0.1, steady: true });
  const run = async (g: (typeof sim.root.groups)[number], end: number) => {
    const q = `start-d=${new Date(end - 1_800_000).toISOString()}&end-d=${new Date(end).toISOString()}`;
    return points((await get(sim, `/metrics/query/irn/${g.irn}/${g.metrics[0]!.name}/run?${q}`)).body as RunBody).map(([, v]) => v);
  };
  const newest = (values: Array<number | null>) => values.filter((v) => v !== null).at(-1);
  const kinds = new Set<string>();
  for (const g of sim.root.groups) {
    const [a, b] = [await run(g, Date.parse('2020-06-24T13:00:00Z')), await run(g, Date.parse('2021-01-01T04:05:00Z'))];
    t.same(newest(a), newest(b), `${g.name}: the same newest value at any time`);
    t.ok(
      a.every((v) => v === null || Number.isInteger(v)),
      'whole bit/s',
    );
    kinds.add(a.length === 0 ? 'empty' : a.every((v) => v === null) ? 'all null' : a.at(-1) === null ? 'newest null' : 'values');
  }
  t.same([...kinds].sort(), ['all null', 'empty', 'newest null', 'values'], 'every kind of series');
});
