import t from 'tap';
import { request } from 'undici';
import { GnocchiSimulator } from '../src/simulator/gnocchi/index.js';

const NOW = Date.parse('2026-11-23T10:02:30Z');

async function aggregates(sim: GnocchiSimulator, token: string, query: string, body: unknown, accept = 'application/json') {
  const res = await request(`${sim.baseUrl}/v1/aggregates?${query}`, {
    method: 'POST',
    headers: { 'x-auth-token': token, 'content-type': 'application/json', accept },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, text: await res.body.text() };
}

const vcpus = { operations: '(aggregate sum (metric vcpus mean))', resource_type: 'instance' };

t.test('the same seed and clock give the same world', async (t) => {
  const a = new GnocchiSimulator({ seed: 3, now: () => NOW });
  const b = new GnocchiSimulator({ seed: 3, now: () => NOW });
  const c = new GnocchiSimulator({ seed: 4, now: () => NOW });
  t.same(a.instances, b.instances);
  t.same(a.projects, b.projects);
  t.same(a.adminCredential, b.adminCredential);
  t.notSame(a.instances.map((i) => i.id), c.instances.map((i) => i.id));
  t.ok(a.instances.some((i) => i.endedAt !== null), 'some instances are deleted');
  t.ok(a.instances.every((i) => i.points.every((p) => p.at <= NOW)));
});

t.test('audits keep falling due while the simulator runs: live instances stay within the look-back', async (t) => {
  let now = NOW;
  const sim = new GnocchiSimulator({ seed: 5, now: () => now });
  await sim.listen();
  t.teardown(() => sim.close());
  now += 3 * 3_600_000;
  const token = sim.keystone.issueFor(sim.admin, sim.keystone.projects[0]!.id);
  const iso = (ms: number) => new Date(ms).toISOString();
  const res = await aggregates(sim, token, `groupby=id&granularity=300&needed_overlap=0&start=${iso(now - 3_600_000)}&stop=${iso(now)}`, { ...vcpus, search: 'ended_at=null' });
  t.equal(res.status, 200);
  const groups = JSON.parse(res.text) as Array<{ group: { id: string }; measures: { measures: { aggregated: unknown[] } } }>;
  const live = sim.instances.filter((i) => i.endedAt === null);
  t.same(groups.map((g) => g.group.id).sort(), live.map((i) => i.id).sort(), 'every live instance, no deleted one');
  t.ok(groups.every((g) => g.measures.measures.aggregated.length >= 1), 'each with a point in the last hour');
});

t.test('real error bodies, policy scoping, and what Gnocchi refuses', async (t) => {
  const sim = new GnocchiSimulator({ seed: 5 });
  await sim.listen();
  t.teardown(() => sim.close());
  const admin = sim.keystone.issueFor(sim.admin, sim.keystone.projects[0]!.id);
  const member = sim.keystone.issueFor(sim.member, sim.projects[0]!.id);

  const denied = await aggregates(sim, 'nope', 'granularity=300', vcpus);
  t.equal(denied.status, 401);
  t.same(JSON.parse(denied.text), { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });

  const mine = await aggregates(sim, member, 'groupby=project_id&granularity=300&needed_overlap=0', vcpus);
  t.same((JSON.parse(mine.text) as Array<{ group: { project_id: string } }>).map((g) => g.group.project_id), [sim.projects[0]!.id], 'a member sees its own project');

  const badGroup = await aggregates(sim, admin, 'groupby=unit&granularity=300', vcpus);
  t.same([badGroup.status, JSON.parse(badGroup.text)], [400, { code: 400, description: "Invalid pagination: `Sort key supplied is invalid: unit'", title: 'Bad Request' }]);

  const unknown = await aggregates(sim, admin, 'granularity=300', { ...vcpus, operations: '(aggregate sum (metric (notexists mean) (foobar mean)))' });
  t.same([unknown.status, JSON.parse(unknown.text)], [404, { code: 404, description: "Metric ['foobar', 'notexists'] does not exist", title: 'Not Found' }]);
  sim.version = 'legacy';
  const legacy = await aggregates(sim, admin, 'granularity=300', { ...vcpus, operations: '(aggregate sum (metric memory mean))' });
  t.same([legacy.status, JSON.parse(legacy.text)], [400, { code: 400, description: { cause: 'Metrics not found', detail: ['memory'] }, title: 'Bad Request' }]);

  const html = await aggregates(sim, admin, 'granularity=300', { ...vcpus, resource_type: 'volume' }, '*/*');
  t.equal(html.status, 400);
  t.match(html.text, /^<html>.*Resource type volume does not exist/, 'errors are JSON only with Accept: application/json');

  const badOps = await aggregates(sim, admin, 'granularity=300', { ...vcpus, operations: '(aggregate sum (metric vcpus mean)' });
  t.match(JSON.parse(badOps.text), { code: 400, description: { cause: 'Invalid operations' } });

  const plain = await aggregates(sim, admin, 'needed_overlap=0', vcpus);
  const grans = (JSON.parse(plain.text) as { measures: { aggregated: Array<[string, number, number]> } }).measures.aggregated.map((p) => p[1]);
  t.equal(grans[0], 3600, 'without granularity, every one comes back, coarsest first');
  t.ok(grans.includes(300));
});
