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
  // Wide margins: the machine may be busy, and a broken simulator would add the whole 200 ms.
  const sim = new SimServer({ faults: { latencyMs: 400 } });
  sim.route('GET', '/slow', () => delay(200).then(() => ({ body: {} })));
  sim.route('GET', '/slower', () => delay(500).then(() => ({ body: {} })));
  const url = await sim.listen();
  t.teardown(() => sim.close());
  await timed(`${url}/warm-up`);
  const slow = await timed(`${url}/slow`);
  t.ok(slow.ms >= 395 && slow.ms < 560, `a 200 ms answer leaves after the 400 ms latency, not 600 ms (${slow.ms.toFixed(0)} ms)`);
  const slower = await timed(`${url}/slower`);
  t.ok(slower.ms >= 495 && slower.ms < 660, `a 500 ms answer leaves when made, not at 900 ms (${slower.ms.toFixed(0)} ms)`);
  sim.faults.failPaths = [{ pattern: /^\/slow$/, status: 503 }];
  const failed = await timed(`${url}/slow`);
  t.equal(failed.status, 503);
  t.ok(failed.ms >= 395, `injected failures keep the latency (${failed.ms.toFixed(0)} ms)`);
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
