import t from 'tap';
import { request } from 'undici';
import { AstakosSimulator } from '../src/simulator/astakos/index.js';

/** Astakos' answers by holder (a user or a project), then by source or resource. */
type Quotas = Record<string, Record<string, unknown>>;

async function get(url: string, token?: string, method: 'GET' | 'POST' = 'GET', body?: unknown) {
  const res = await request(url, {
    method,
    headers: { ...(token ? { 'x-auth-token': token } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.statusCode, text: await res.body.text() };
}

t.test('same seed, same world; another seed, another world', async (t) => {
  const worlds: string[] = [];
  for (const seed of [5, 5, 6]) {
    const sim = new AstakosSimulator({ seed, shape: 'released', users: 3 });
    await sim.listen();
    worlds.push((await get(`${sim.baseUrl}/service_quotas`, sim.serviceToken('cyclades'))).text + sim.userToken(0));
    await sim.close();
  }
  t.equal(worlds[0], worlds[1]);
  t.not(worlds[0], worlds[2]);
});

t.test('released shape: paths, exact 2^63-1, project figures, identity', async (t) => {
  const sim = new AstakosSimulator({ seed: 3, shape: 'released' });
  await sim.listen();
  t.teardown(() => sim.close());
  t.match(sim.baseUrl, /\/account\/v1\.0$/);
  const quotas = await get(`${sim.baseUrl}/quotas`, sim.userToken(1));
  t.equal(quotas.status, 200);
  t.match(quotas.text, /"limit":9223372036854775807/);
  t.match(quotas.text, /"project_limit":/);
  const id = await get(`${sim.server.url}/identity/v2.0/tokens`, undefined, 'POST', { auth: { token: { id: sim.userToken(1) } } });
  t.equal((JSON.parse(id.text) as { access: { user: { id: string } } }).access.user.id, sim.users[1]!.uuid);
  const resources = JSON.parse((await get(`${sim.baseUrl}/resources`)).text) as Record<string, { unit: string | null }>;
  t.equal(resources['cyclades.vm']?.unit, null);
  t.equal(resources['pithos.diskspace']?.unit, 'bytes');
});

t.test('seed shape: /astakos/api, system and project:<n>, no identity service', async (t) => {
  const sim = new AstakosSimulator({ seed: 3, shape: 'seed' });
  await sim.listen();
  t.teardown(() => sim.close());
  t.match(sim.baseUrl, /\/astakos\/api$/);
  const body = JSON.parse((await get(`${sim.baseUrl}/quotas`, sim.userToken(0))).text) as Record<string, unknown>;
  t.ok(body.system);
  t.ok(Object.keys(body).every((k) => k === 'system' || /^project:\d+$/.test(k)));
  t.notOk(JSON.stringify(body).includes('project_limit'));
  const id = await get(`${sim.server.url}/identity/v2.0/tokens`, undefined, 'POST', { auth: { token: { id: sim.userToken(0) } } });
  t.equal(id.status, 404);
  t.same(JSON.parse(id.text), { itemNotFound: { code: 404, message: 'not found', details: '' } });
});

t.test('Astakos error bodies for missing, wrong and wrong-kind tokens', async (t) => {
  const sim = new AstakosSimulator({ seed: 3 });
  await sim.listen();
  t.teardown(() => sim.close());
  const missing = await get(`${sim.baseUrl}/quotas`);
  t.equal(missing.status, 401);
  t.same(JSON.parse(missing.text), { unauthorized: { code: 401, message: 'No authentication token', details: '' } });
  const userOnService = await get(`${sim.baseUrl}/service_quotas`, sim.userToken(0));
  t.same(JSON.parse(userOnService.text), { unauthorized: { code: 401, message: 'Invalid token', details: '' } });
  t.equal((await get(`${sim.baseUrl}/quotas`, sim.serviceToken('cyclades'))).status, 401);
  sim.server.faults.failPaths = [{ pattern: /commissions/, status: 503 }];
  t.same(JSON.parse((await get(`${sim.baseUrl}/commissions`, sim.serviceToken('cyclades'))).text), {
    serviceUnavailable: { code: 503, message: 'injected failure', details: '' },
  });
});

t.test('commissions over the API: list, describe, accept', async (t) => {
  const sim = new AstakosSimulator({ seed: 3 });
  await sim.listen();
  t.teardown(() => sim.close());
  const token = sim.serviceToken('cyclades');
  const serials = JSON.parse((await get(`${sim.baseUrl}/commissions`, token)).text) as number[];
  t.equal(serials.length, 2);
  t.same(JSON.parse((await get(`${sim.baseUrl}/commissions`, sim.serviceToken('pithos'))).text), [], 'each component sees its own');
  const one = JSON.parse((await get(`${sim.baseUrl}/commissions/${serials[0]}`, token)).text) as { provisions: Array<{ holder: string }> };
  t.equal(one.provisions[0]?.holder, sim.users[0]!.uuid);
  t.equal((await get(`${sim.baseUrl}/commissions/${serials[0]}/action`, token, 'POST', { accept: '' })).status, 200);
  t.same(JSON.parse((await get(`${sim.baseUrl}/commissions`, token)).text), [serials[1]]);
});

t.test('user and project filters as Synnefo reads them: lists split, 404 itemNotFound only when nothing is left', async (t) => {
  const sim = new AstakosSimulator({ seed: 3, users: 3 });
  await sim.listen();
  t.teardown(() => sim.close());
  const token = sim.serviceToken('pithos');
  const [u0, u1] = [sim.users[0]!.uuid, sim.users[1]!.uuid];
  const some = await get(`${sim.baseUrl}/service_quotas?user=${u0},nobody,${u1}`, token);
  t.equal(some.status, 200);
  t.same(Object.keys(JSON.parse(some.text) as Quotas).sort(), [u0, u1].sort(), 'the known users only');
  const none = await get(`${sim.baseUrl}/service_quotas?user=nobody,noone`, token);
  t.equal(none.status, 404);
  t.same(JSON.parse(none.text), { itemNotFound: { code: 404, message: "No user with UUID 'nobody,noone'", details: '' } });
  const own = JSON.parse((await get(`${sim.baseUrl}/service_quotas?user=${u0}&project=${u0}`, token)).text) as Quotas;
  t.same(Object.keys(own[u0]!), [u0], '?project= restricts the sources');

  const projects = JSON.parse((await get(`${sim.baseUrl}/service_project_quotas`, token)).text) as Quotas;
  t.same(Object.keys(projects).sort(), [...sim.users.map((u) => u.uuid), ...sim.projects.map((p) => p.id)].sort(), "users' own projects and shared ones");
  t.same(Object.keys(projects[u0]!), ['pithos.diskspace'], "the component's resources only");
  t.same(Object.keys(projects[u0]!['pithos.diskspace']!).sort(), ['project_limit', 'project_pending', 'project_usage']);
  const unknown = await get(`${sim.baseUrl}/service_project_quotas?project=nothing`, token);
  t.same(JSON.parse(unknown.text), { itemNotFound: { code: 404, message: "No project with UUID 'nothing'", details: '' } });
  t.equal((await get(`${sim.baseUrl}/service_project_quotas`, sim.userToken(0))).status, 401, "a service token's call");
});

t.test('an older Synnefo reads the filter as one uuid: any list is 404 "No such user"', async (t) => {
  const sim = new AstakosSimulator({ seed: 3, users: 3, listFilters: false });
  await sim.listen();
  t.teardown(() => sim.close());
  const token = sim.serviceToken('cyclades');
  const [u0, u1] = [sim.users[0]!.uuid, sim.users[1]!.uuid];
  t.equal((await get(`${sim.baseUrl}/service_quotas?user=${u0}`, token)).status, 200);
  const list = await get(`${sim.baseUrl}/service_quotas?user=${u0},${u1}`, token);
  t.same(JSON.parse(list.text), { itemNotFound: { code: 404, message: `No such user '${u0},${u1}'`, details: '' } });
});

t.test('the draft API has no /service_project_quotas: 400 "API endpoint not found", as any unknown path', async (t) => {
  const sim = new AstakosSimulator({ seed: 3, shape: 'seed' });
  await sim.listen();
  t.teardown(() => sim.close());
  const res = await get(`${sim.baseUrl}/service_project_quotas`, sim.serviceToken('cyclades'));
  t.equal(res.status, 400);
  t.same(JSON.parse(res.text), { badRequest: { code: 400, message: 'API endpoint not found', details: '' } });
});
