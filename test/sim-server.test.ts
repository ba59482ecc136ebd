import t from 'tap';
import { request } from 'undici';
import { SimServer } from '../src/simulator/server.js';
import { setTimeout as delay } from 'node:timers/promises';

async function timed(url: string): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const res = await request(url);
  await res.body.text();
  return { ms: performance.now() - started, status: res.statusCode };
}

t.test('latency runs from arrival: the time spent making the answer is part of it', async (t) => {
  const sim = new SimServer({ faults: { latencyMs: 120 } });
  sim.route('GET', '/slow', () => delay(80).then(() => ({ body: {} })));
  sim.route('GET', '/slower', () => delay(200).then(() => ({ body: {} })));
  const url = await sim.listen();
  t.teardown(() => sim.close());
  const slow = await timed(`${url}/slow`);
  t.ok(slow.ms >= 115 && slow.ms < 190, `an 80 ms answer leaves after the 120 ms latency, not 200 ms (${slow.ms.toFixed(0)} ms)`);
  const slower = await timed(`${url}/slower`);
  t.ok(slower.ms >= 195 && slower.ms < 290, `a 200 ms answer leaves when made (${slower.ms.toFixed(0)} ms)`);
  sim.faults.failPaths = [{ pattern: /^\/slow$/, status: 503 }];
  const failed = await timed(`${url}/slow`);
  t.equal(failed.status, 503);
  t.ok(failed.ms >= 115, `injected failures keep the latency (${failed.ms.toFixed(0)} ms)`);
});

t.test('a POST body reaches the handler; a GET without one is not read', async (t) => {
  const sim = new SimServer();
  sim.route(['GET', 'POST'], '/echo', (req) => ({ body: { method: req.method, body: req.body ?? null, q: req.query.get('q') } }));
  const url = await sim.listen();
  t.teardown(() => sim.close());
  const post = await request(`${url}/echo?q=1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
  t.same(await post.body.json(), { method: 'POST', body: { a: 1 }, q: '1' });
  const get = await request(`${url}/echo?q=2`);
  t.same(await get.body.json(), { method: 'GET', body: null, q: '2' });
});
