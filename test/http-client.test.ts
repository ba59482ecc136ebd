import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpClient, HttpError, RequestError, type HttpClientOptions } from '../src/core/http.js';
import type { AuthProvider, Headers } from '../src/core/auth/provider.js';
import { SelfMetrics } from '../src/core/selfmetrics.js';
import { SimServer } from '../src/simulator/server.js';
import { parseExposition } from './helpers/exposition.js';
import { captureLogger } from './helpers/log.js';
import { setTimeout as delay } from 'node:timers/promises';

/** A server handler that never answers: the client has to give up on its own. */
const hang = () => new Promise<never>(() => {});

/** Matches like its pattern for the first `times` paths that match, then never: a fault that heals. */
class FaultTimes extends RegExp {
  constructor(
    pattern: RegExp,
    private remaining: number,
  ) {
    super(pattern.source, pattern.flags);
  }

  override test(text: string): boolean {
    if (this.remaining <= 0 || !super.test(text)) return false;
    this.remaining -= 1;
    return true;
  }
}

async function setup(t: Test, opts: Partial<HttpClientOptions> = {}, sim = new SimServer()) {
  const url = await sim.listen();
  const metrics = new SelfMetrics('test');
  const capture = captureLogger();
  const http = new HttpClient({
    source: 'test',
    target: 't1',
    baseUrl: url,
    timeoutMs: 2000,
    retries: 3,
    maxResponseBytes: 1 << 20,
    concurrency: 8,
    requestsPerSecond: 0,
    metrics,
    log: capture.log,
    retryBaseMs: 5,
    retryMaxMs: 20,
    ...opts,
  });
  t.teardown(async () => {
    await http.close();
    await sim.close();
  });
  return { sim, http, metrics, url, logText: capture.text };
}

/** A plain node:http server for answers SimServer cannot give (chunked bodies, stalls, TLS). */
async function rawServer(t: Test, handler: (req: IncomingMessage, res: ServerResponse) => void, server: Server = createServer()) {
  const hits: string[] = [];
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    hits.push(req.url ?? '/');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as AddressInfo).port, hits };
}

/** Attempts counted in capacity_exporter_upstream_requests_total for one endpoint, by code, read from the exposition. */
async function requestCounts(metrics: SelfMetrics, endpoint: string): Promise<Record<string, number>> {
  const text = await metrics.registry.getSingleMetricAsString('capacity_exporter_upstream_requests_total');
  const out: Record<string, number> = {};
  for (const s of parseExposition(text)) if (s.labels.endpoint === endpoint) out[s.labels.code!] = s.value;
  return out;
}

async function durationCount(metrics: SelfMetrics, endpoint: string): Promise<{ count: number; sum: number }> {
  const text = await metrics.registry.getSingleMetricAsString('capacity_exporter_upstream_request_duration_seconds');
  const samples = parseExposition(text).filter((s) => s.labels.endpoint === endpoint);
  return {
    count: samples.find((s) => s.name.endsWith('_count'))?.value ?? 0,
    sum: samples.find((s) => s.name.endsWith('_sum'))?.value ?? 0,
  };
}

function rejectsWith(t: Test, p: Promise<unknown>, cls: typeof HttpError | typeof RequestError, fields: Record<string, unknown>, msg = '') {
  return t.rejects(p, cls, msg).then(() => p.catch((err: unknown) => t.match(err, fields, msg)));
}

t.test('sends Accept: application/json and a user-agent, joins base URL and path', async (t) => {
  const { sim, http } = await setup(t, { baseUrl: '' });
  // A base URL with a path and a trailing slash, and a custom user-agent.
  const client = new HttpClient({
    source: 'test',
    target: 't1',
    baseUrl: `${sim.url}/api/`,
    timeoutMs: 2000,
    retries: 0,
    maxResponseBytes: 1 << 20,
    concurrency: 2,
    requestsPerSecond: 0,
    metrics: new SelfMetrics('test'),
    log: captureLogger().log,
    userAgent: 'probe/1.0',
  });
  t.teardown(() => client.close());
  sim.route('GET', '/api/items', () => ({ body: { items: [1, 2] }, headers: { 'x-upstream': 'sim' } }));
  const res = await client.request<{ items: number[] }>({ path: '/items', route: '/items', headers: { 'x-extra': 'yes' } });
  t.equal(res.status, 200);
  t.same(res.data, { items: [1, 2] });
  t.equal(res.headers['x-upstream'], 'sim');
  const seen = sim.log.at(-1)!;
  t.equal(seen.path, '/api/items', 'one slash between base and path');
  t.equal(seen.headers.accept, 'application/json');
  t.equal(seen.headers['user-agent'], 'probe/1.0');
  t.equal(seen.headers['x-extra'], 'yes');

  await http.request({ url: `${sim.url}/api/items`, route: '/items' });
  t.equal(sim.log.at(-1)!.headers['user-agent'], 'capacity-exporter', 'default user-agent');
  t.equal(sim.log.at(-1)!.headers.accept, 'application/json');
  await t.rejects(http.request({ path: '/items', route: '/items' }), /no baseUrl configured/, 'a path needs a base URL');
});

t.test('absolute url ignores the base URL', async (t) => {
  const other = new SimServer();
  other.route('GET', '/token-info', () => ({ body: { from: 'other' } }));
  const otherUrl = await other.listen();
  t.teardown(() => other.close());
  const { sim, http } = await setup(t);
  const res = await http.request({ url: `${otherUrl}/token-info`, route: 'token-info' });
  t.same(res.data, { from: 'other' });
  t.equal(other.hits('/token-info'), 1);
  t.equal(sim.log.length, 0);
});

t.test('query values are URL-encoded and arrays repeat the key', async (t) => {
  const { sim, http } = await setup(t);
  let query: URLSearchParams | undefined;
  sim.route('GET', '/search', (req) => {
    query = req.query;
    return { body: {} };
  });
  await http.request({
    path: '/search',
    route: '/search',
    query: { start: '2026-11-23T10:00:00+01:00', id: [1, 'b c', 3], skip: undefined, none: null, flag: true, n: 0, 'k&y': 'a=b&c' },
  });
  const raw = sim.log.at(-1)!.url;
  t.match(raw, /start=2026-11-23T10%3A00%3A00%2B01%3A00/, '+ sent as %2B');
  t.notMatch(raw, /\+01/, 'no literal + that the server would read as a space');
  t.match(raw, /id=1&id=b%20c&id=3/, 'array repeats the key in order; a space is %20, which every server reads as one');
  t.notMatch(raw, /skip|none/, 'undefined and null are left out');
  t.match(raw, /k%26y=a%3Db%26c/, 'reserved characters in keys and values escaped');
  t.equal(query!.get('start'), '2026-11-23T10:00:00+01:00', 'server decodes the original value');
  t.same(query!.getAll('id'), ['1', 'b c', '3']);
  t.equal(query!.get('flag'), 'true');
  t.equal(query!.get('n'), '0');
  t.equal(query!.get('k&y'), 'a=b&c');
});

t.test('a path with bytes a request line cannot hold is encoded, not sent raw', async (t) => {
  const { sim, http } = await setup(t);
  sim.route('GET', '/files/:name', (req) => ({ body: { name: req.params.name } }));
  const res = await http.request<{ name: string }>({ path: '/files/a bü', route: '/files/:name', query: { q: 1 } });
  t.equal(sim.log.at(-1)!.url, '/files/a%20b%C3%BC?q=1');
  t.equal(decodeURIComponent(res.data.name), 'a bü');
});

t.test('json and form bodies', async (t) => {
  const { sim, http } = await setup(t);
  sim.route('POST', '/echo', (req) => ({ body: { type: req.headers['content-type'], raw: req.rawBody, body: req.body, method: req.method } }));
  type Echo = { type: string; raw: string; body: unknown; method: string };

  const json = await http.request<Echo>({ method: 'POST', path: '/echo', route: '/echo', json: { a: 1, s: 'x+y', nested: [true, null] } });
  t.equal(json.data.type, 'application/json');
  t.same(json.data.body, { a: 1, s: 'x+y', nested: [true, null] });
  t.equal(json.data.raw, JSON.stringify({ a: 1, s: 'x+y', nested: [true, null] }));

  const form = await http.request<Echo>({
    method: 'POST',
    path: '/echo',
    route: '/echo',
    form: { grant_type: 'password', scope: 'read write', secret: 'a+b&c=d' },
  });
  t.equal(form.data.type, 'application/x-www-form-urlencoded');
  t.equal(form.data.raw, 'grant_type=password&scope=read+write&secret=a%2Bb%26c%3Dd');
  t.same(form.data.body, { grant_type: 'password', scope: 'read write', secret: 'a+b&c=d' });

  const none = await http.request<Echo>({ method: 'POST', path: '/echo', route: '/echo' });
  t.equal(none.data.raw, '', 'no body without json or form');
  t.equal(none.data.type, undefined, 'and no content-type');
});

t.test('per-attempt timeout: classified as timeout, retried, counted', async (t) => {
  const { sim, http, metrics } = await setup(t, { timeoutMs: 200, retries: 1 });
  let calls = 0;
  sim.route('GET', '/slow-once', async () => {
    calls += 1;
    if (calls === 1) await hang();
    return { body: { calls } };
  });
  sim.route('GET', '/always-slow', () => hang());
  const stalling = await rawServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"partial":');
  });
  // All at once: undici checks these timeouts on a coarse (~0.5 s) clock, so each attempt takes up to ~1.2 s.
  const started = Date.now();
  const [healed, failed, stalled] = await Promise.allSettled([
    http.request<{ calls: number }>({ path: '/slow-once', route: '/slow-once' }),
    http.request({ path: '/always-slow', route: '/always-slow' }),
    http.request({ url: `http://127.0.0.1:${stalling.port}/stall`, route: '/stall' }),
  ]);
  const took = Date.now() - started;
  t.ok(took >= 200 && took < 4000, `no attempt waited for the hung servers (${took} ms)`);

  t.equal(healed.status === 'fulfilled' && healed.value.data.calls, 2, 'the retry after the timeout answered');
  t.same(await requestCounts(metrics, '/slow-once'), { timeout: 1, '200': 1 });
  t.equal((await durationCount(metrics, '/slow-once')).count, 2, 'each attempt timed');

  t.equal(failed.status, 'rejected', 'a server that never answers');
  const err: unknown = failed.status === 'rejected' ? failed.reason : undefined;
  t.type(err, RequestError);
  t.match(err, { code: 'timeout', route: '/always-slow', name: 'RequestError' });
  t.equal(sim.hits('/always-slow'), 2, 'first attempt + 1 retry');
  t.same(await requestCounts(metrics, '/always-slow'), { timeout: 2 });

  t.equal(stalled.status, 'rejected', 'a body that stalls after the headers');
  t.match(stalled.status === 'rejected' ? stalled.reason : undefined, { code: 'timeout' });
  t.equal(stalling.hits.length, 2, 'retried once');
  t.same(await requestCounts(metrics, '/stall'), { timeout: 2 });
});

t.test('connection reset: network error, retried', async (t) => {
  const { sim, http, metrics } = await setup(t, { retries: 2 });
  sim.route('GET', '/flaky', () => ({ body: { ok: true } }));
  sim.route('GET', '/dead', () => ({ body: { ok: true } }));
  sim.faults.resetPaths = [new FaultTimes(/^\/flaky$/, 1), /^\/dead$/];
  const res = await http.request({ path: '/flaky', route: '/flaky' });
  t.same(res.data, { ok: true });
  t.equal(sim.hits('/flaky'), 2);
  t.same(await requestCounts(metrics, '/flaky'), { network: 1, '200': 1 });

  await rejectsWith(t, http.request({ path: '/dead', route: '/dead' }), RequestError, { code: 'network' });
  t.equal(sim.hits('/dead'), 3);
  t.same(await requestCounts(metrics, '/dead'), { network: 3 });
});

t.test('connection refused is a network error', async (t) => {
  const { port } = await rawServer(t, () => {});
  const { http } = await setup(t, { retries: 1 });
  // Take the port of a server that is gone: nothing listens there any more.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const deadPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  t.not(deadPort, port);
  const p = http.request({ url: `http://127.0.0.1:${deadPort}/x`, route: '/x' });
  await rejectsWith(t, p, RequestError, { code: 'network', message: /ECONNREFUSED/ });
});

t.test('5xx is retried until success; 4xx is not', async (t) => {
  const { sim, http, metrics } = await setup(t, { retries: 3 });
  let calls = 0;
  sim.route('GET', '/wobbly', () => {
    calls += 1;
    return calls <= 2 ? { status: calls === 1 ? 500 : 503, body: { error: 'busy' } } : { body: { calls } };
  });
  const res = await http.request<{ calls: number }>({ path: '/wobbly', route: '/wobbly' });
  t.equal(res.data.calls, 3);
  t.same(await requestCounts(metrics, '/wobbly'), { '500': 1, '503': 1, '200': 1 });

  sim.route('GET', '/missing', () => ({ status: 404, body: { error: 'no such thing' } }));
  await rejectsWith(t, http.request({ path: '/missing', route: '/missing' }), HttpError, { status: 404, body: { error: 'no such thing' } });
  t.equal(sim.hits('/missing'), 1, '404 not retried');
  sim.route('GET', '/bad', () => ({ status: 400, body: {} }));
  await rejectsWith(t, http.request({ path: '/bad', route: '/bad' }), HttpError, { status: 400 });
  t.equal(sim.hits('/bad'), 1, '400 not retried');
});

t.test('retries stop at the configured count', async (t) => {
  for (const retries of [0, 1, 3]) {
    await t.test(`retries=${retries}`, async (t) => {
      const { sim, http, metrics } = await setup(t, { retries });
      sim.faults.failPaths = [{ pattern: /^\/down$/, status: 502 }];
      await rejectsWith(t, http.request({ path: '/down', route: '/down' }), HttpError, { status: 502, body: { status: 502, message: 'injected failure' } });
      t.equal(sim.hits('/down'), retries + 1);
      t.same(await requestCounts(metrics, '/down'), { '502': retries + 1 });
    });
  }
});

t.test('429 with Retry-After in seconds is honoured', async (t) => {
  const { sim, http, metrics } = await setup(t, { retries: 2, retryBaseMs: 1, retryMaxMs: 2 });
  const arrivals: number[] = [];
  sim.route('GET', '/limited', () => {
    arrivals.push(Date.now());
    return arrivals.length === 1 ? { status: 429, headers: { 'retry-after': '1' }, body: {} } : { body: { n: arrivals.length } };
  });
  const res = await http.request<{ n: number }>({ path: '/limited', route: '/limited' });
  t.equal(res.data.n, 2);
  const gap = arrivals[1]! - arrivals[0]!;
  t.ok(gap >= 950 && gap < 3000, `waited about 1 s (${gap} ms) although backoff alone would be ~0`);
  t.same(await requestCounts(metrics, '/limited'), { '429': 1, '200': 1 });
});

t.test('429 with Retry-After as an HTTP-date is honoured', async (t) => {
  const { sim, http } = await setup(t, { retries: 2, retryBaseMs: 1, retryMaxMs: 2 });
  const arrivals: number[] = [];
  let until = 0;
  sim.route('GET', '/limited', () => {
    arrivals.push(Date.now());
    if (arrivals.length > 1) return { body: {} };
    // HTTP-dates have whole seconds: name the first whole second at least 0.5 s ahead.
    until = Math.ceil((Date.now() + 500) / 1000) * 1000;
    return { status: 429, headers: { 'retry-after': new Date(until).toUTCString() }, body: {} };
  });
  await http.request({ path: '/limited', route: '/limited' });
  t.equal(arrivals.length, 2);
  t.ok(arrivals[1]! >= until - 20, `retried at the date, not before (${arrivals[1]! - until} ms from it)`);
  t.ok(arrivals[1]! < until + 1000, 'and soon after it');
});

t.test('no retry wait goes past the deadline', async (t) => {
  const { sim, http, metrics } = await setup(t, { retries: 5, retryBaseMs: 1, retryMaxMs: 2 });
  sim.route('GET', '/limited', () => ({ status: 429, headers: { 'retry-after': '30' }, body: { error: 'slow down' } }));
  const started = Date.now();
  const p = http.request({ path: '/limited', route: '/limited', deadline: Date.now() + 500 });
  await rejectsWith(t, p, HttpError, { status: 429, body: { error: 'slow down' } });
  t.ok(Date.now() - started < 450, `failed promptly (${Date.now() - started} ms) instead of sleeping 30 s`);
  t.equal(sim.hits('/limited'), 1);
  t.same(await requestCounts(metrics, '/limited'), { '429': 1 });
});

t.test('exponential backoff is bounded by the deadline too', async (t) => {
  const { sim, http } = await setup(t, { retries: 10, retryBaseMs: 300, retryMaxMs: 300 });
  sim.faults.failPaths = [{ pattern: /^\/down$/, status: 500 }];
  const started = Date.now();
  const err = await http.request({ path: '/down', route: '/down', deadline: Date.now() + 400 }).catch((e: unknown) => e);
  const took = Date.now() - started;
  // A wait that ends just before the deadline leaves the next attempt almost no time: it is cut off as aborted.
  t.ok((err instanceof HttpError && err.status === 500) || (err instanceof RequestError && err.code === 'aborted'), `last outcome reported: ${String(err)}`);
  t.ok(took < 600, `gave up within the deadline (${took} ms)`);
  t.ok(sim.hits('/down') < 11, 'not every retry was spent');
});

t.test('an attempt still running at the deadline is cut off', async (t) => {
  const { sim, http } = await setup(t, { timeoutMs: 5000, retries: 3 });
  sim.route('GET', '/slow', () => hang());
  const started = Date.now();
  const p = http.request({ path: '/slow', route: '/slow', deadline: Date.now() + 200 });
  await rejectsWith(t, p, RequestError, { code: 'aborted', message: /deadline/ });
  t.ok(Date.now() - started < 1000, `cut off at the deadline (${Date.now() - started} ms)`);
  t.equal(sim.hits('/slow'), 1);

  await rejectsWith(t, http.request({ path: '/slow', route: '/slow', deadline: Date.now() - 1 }), RequestError, { code: 'aborted' });
  t.equal(sim.hits('/slow'), 1, 'a passed deadline sends nothing');
});

t.test('malformed JSON is bad_json and not retried; parse replaces JSON.parse', async (t) => {
  const { sim, http, metrics } = await setup(t, { retries: 3 });
  sim.route('GET', '/broken', () => ({ raw: '{"a": 1,' }));
  await rejectsWith(t, http.request({ path: '/broken', route: '/broken' }), RequestError, { code: 'bad_json', message: /not valid JSON/ });
  t.equal(sim.hits('/broken'), 1);
  t.same(await requestCounts(metrics, '/broken'), { '200': 1 }, 'the attempt itself got a 200');

  sim.route('GET', '/nan', () => ({ raw: '{"v": NaN, "w": 1}' }));
  await t.rejects(http.request({ path: '/nan', route: '/nan' }), { code: 'bad_json' });
  const res = await http.request<{ v: number; w: number }>({
    path: '/nan',
    route: '/nan',
    parse: (text): unknown => JSON.parse(text.replace(/\bNaN\b/g, 'null')),
  });
  t.same(res.data, { v: null, w: 1 });

  sim.route('GET', '/empty', () => ({ status: 204 }));
  const empty = await http.request({ path: '/empty', route: '/empty' });
  t.equal(empty.status, 204);
  t.equal(empty.data, undefined, 'an empty body is no data, not bad JSON');
});

t.test('oversized body with content-length: too_large, not retried', async (t) => {
  const { sim, http, metrics } = await setup(t, { maxResponseBytes: 1000, retries: 3 });
  sim.route('GET', '/big', () => ({ raw: JSON.stringify('x'.repeat(2000)) }));
  sim.route('GET', '/fits', () => ({ raw: JSON.stringify('x'.repeat(998)) }));
  const p = http.request({ path: '/big', route: '/big' });
  await rejectsWith(t, p, RequestError, { code: 'too_large', message: /2002 bytes exceeds the cap of 1000/ });
  t.equal(sim.hits('/big'), 1);
  t.same(await requestCounts(metrics, '/big'), { too_large: 1 });
  const fits = await http.request<string>({ path: '/fits', route: '/fits' });
  t.equal(fits.data.length, 998, 'a body of exactly the cap is accepted');
});

t.test('oversized chunked body without content-length: too_large, not retried', async (t) => {
  const { port, hits } = await rawServer(t, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const parts = req.url === '/big' ? 10 : 2;
    res.write('"');
    let i = 0;
    const next = () => {
      if (i++ < parts) {
        res.write('y'.repeat(200));
        setTimeout(next, 2);
      } else {
        res.end('"');
      }
    };
    next();
  });
  const { http, metrics } = await setup(t, { maxResponseBytes: 1000, retries: 3 });
  const p = http.request({ url: `http://127.0.0.1:${port}/big`, route: '/chunked' });
  await rejectsWith(t, p, RequestError, { code: 'too_large', message: /exceeds the cap of 1000 bytes/ });
  t.same(hits, ['/big'], 'not retried');
  t.same(await requestCounts(metrics, '/chunked'), { too_large: 1 });
  const small = await http.request<string>({ url: `http://127.0.0.1:${port}/small`, route: '/chunked' });
  t.equal(small.data, 'y'.repeat(400), 'a chunked body under the cap is read whole');
});

/** A token provider that rotates tokens on invalidate and records what it was told. */
class RotatingAuth implements AuthProvider {
  generation = 0;
  readonly refused: Headers[] = [];
  async headers(): Promise<Headers> {
    return { authorization: `Bearer t${this.generation}` };
  }

  invalidate(refused: Headers): void {
    this.refused.push(refused);
    this.generation += 1;
  }
}

t.test('401: invalidate with the refused headers, one retry, success', async (t) => {
  const { sim, http, metrics } = await setup(t, { retries: 0 });
  sim.route('GET', '/secure', (req) =>
    req.headers.authorization === 'Bearer t1' ? { body: { hello: 'you' } } : { status: 401, body: { error: 'expired token' } },
  );
  const auth = new RotatingAuth();
  const res = await http.request({ path: '/secure', route: '/secure', auth });
  t.same(res.data, { hello: 'you' });
  t.same(auth.refused, [{ authorization: 'Bearer t0' }], 'invalidated once with exactly the refused headers');
  t.same(
    sim.log.map((r) => r.headers.authorization),
    ['Bearer t0', 'Bearer t1'],
  );
  t.same(await requestCounts(metrics, '/secure'), { '401': 1, '200': 1 }, 'the 401 retry works with retries=0: it is not a backoff retry');
});

t.test('401 twice: HttpError 401, invalidated once, no third attempt', async (t) => {
  const { sim, http } = await setup(t, { retries: 3 });
  sim.route('GET', '/secure', () => ({ status: 401, body: { error: 'bad credentials' } }));
  const auth = new RotatingAuth();
  await rejectsWith(t, http.request({ path: '/secure', route: '/secure', auth }), HttpError, { status: 401, body: { error: 'bad credentials' } });
  t.equal(auth.refused.length, 1);
  t.equal(sim.hits('/secure'), 2);

  await rejectsWith(t, http.request({ path: '/secure', route: '/secure' }), HttpError, { status: 401 });
  t.equal(sim.hits('/secure'), 3, 'without auth a 401 is final at once');
});

t.test('HttpError carries the parsed error body, status and route', async (t) => {
  const sim = new SimServer({ errorBody: (status, message) => ({ error: { code: `E${status}`, detail: message } }) });
  const { http } = await setup(t, { retries: 0 }, sim);
  sim.faults.failPaths = [{ pattern: /^\/orgs\/\d+$/, status: 503 }];
  const err = await http.request({ path: '/orgs/42', route: '/orgs/:id' }).catch((e: unknown) => e);
  t.type(err, HttpError);
  const h = err as HttpError;
  t.equal(h.status, 503);
  t.equal(h.route, '/orgs/:id');
  t.same(h.body, { error: { code: 'E503', detail: 'injected failure' } });
  t.match(h.message, /^\/orgs\/:id: HTTP 503: \{"error"/);
  t.equal(h.name, 'HttpError');

  sim.route('GET', '/html', () => ({ status: 502, raw: '<html>Bad Gateway</html>', headers: { 'content-type': 'text/html' } }));
  const html = (await http.request({ path: '/html', route: '/html' }).catch((e: unknown) => e)) as HttpError;
  t.type(html, HttpError);
  t.equal(html.body, undefined, 'a non-JSON error body is not parsed');
  t.match(html.message, /Bad Gateway/, 'but its text is in the message');
});

t.test('abort via signal while the request is in flight', async (t) => {
  const { sim, http, metrics } = await setup(t, { retries: 3 });
  sim.route('GET', '/slow', () => hang());
  for (const queue of [false, true]) {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const started = Date.now();
    const p = http.request({ path: '/slow', route: '/slow', signal: ac.signal, queue });
    await rejectsWith(t, p, RequestError, { code: 'aborted', message: /cancelled/ }, `queue=${queue}`);
    t.ok(Date.now() - started < 500, `queue=${queue}: stopped promptly`);
  }
  t.equal(sim.hits('/slow'), 2, 'an aborted request is not retried');
  t.same(await requestCounts(metrics, '/slow'), { aborted: 2 });
  await rejectsWith(t, http.request({ path: '/slow', route: '/slow', signal: AbortSignal.abort() }), RequestError, { code: 'aborted' }, 'already aborted');
  t.equal(sim.hits('/slow'), 2, 'an already aborted signal sends nothing');
});

t.test('a request the upstream took and never answered says so when the cycle cuts it off', async (t) => {
  const { sim, http } = await setup(t, { timeoutMs: 60_000 });
  sim.route('POST', '/dies', () => hang());
  sim.route('GET', '/queued', () => ({ body: {} }));
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error('cycle deadline reached')), 300);
  const p = http.request({ method: 'POST', path: '/dies', route: '/dies', json: {}, signal: ac.signal });
  await rejectsWith(
    t,
    p,
    RequestError,
    { code: 'aborted', message: /^\/dies: no response after (2\d\d|3\d\d) ms, then cancelled \(cycle deadline reached\)$/ },
    'sent, never answered',
  );
  const late = http.request({ path: '/queued', route: '/queued', signal: ac.signal });
  await rejectsWith(t, late, RequestError, { code: 'aborted', message: /^\/queued: cancelled \(cycle deadline reached\)$/ }, 'never sent: only cancelled');
});

t.test('abort via signal while waiting in the queue', async (t) => {
  const { sim, http } = await setup(t, { concurrency: 1 });
  sim.route('GET', '/slow', () => delay(300).then(() => ({ body: {} })));
  const first = http.request({ path: '/slow', route: '/slow' });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  const started = Date.now();
  await rejectsWith(t, http.request({ path: '/slow', route: '/slow', signal: ac.signal }), RequestError, { code: 'aborted' });
  t.ok(Date.now() - started < 250, 'gave up its place before the slot freed');
  await first;
  t.equal(sim.hits('/slow'), 1, 'the aborted request was never sent');
});

t.test('a cycle of requests on one signal adds one abort listener, and cancels them all', async (t) => {
  const { sim, http } = await setup(t, { concurrency: 4 });
  sim.route('GET', '/slow/:n', () => hang());
  const ac = new AbortController();
  const requests = Array.from({ length: 200 }, (_, n) => http.request({ path: `/slow/${n}`, route: '/slow/:n', signal: ac.signal }));
  await delay(50);
  t.equal(getEventListeners(ac.signal, 'abort').length, 1, '200 requests, in flight and queued, share one listener');
  ac.abort();
  const outcomes = await Promise.allSettled(requests);
  t.ok(
    outcomes.every((o) => o.status === 'rejected' && o.reason instanceof RequestError && o.reason.code === 'aborted'),
    'every request rejected as aborted',
  );
  t.equal(sim.hits(/^\/slow\//), 4, 'only the requests in flight were ever sent');
});

t.test('requests abandoned in a rate-limited queue take no slot from the next ones', async (t) => {
  const { sim, http } = await setup(t, { concurrency: 1, requestsPerSecond: 10 });
  sim.route('GET', '/tick/:n', () => ({ body: {} }));
  const old = new AbortController();
  const abandoned = Array.from({ length: 20 }, (_, n) => http.request({ path: `/tick/${n}`, route: '/tick/:n', signal: old.signal }).catch((e: unknown) => e));
  await delay(20);
  old.abort();
  const outcomes = await Promise.all(abandoned);
  const sent = sim.hits(/^\/tick\/\d/);
  t.ok(sent <= 1, `only the request in its slot was sent (${sent})`);
  t.equal(outcomes.filter((e) => e instanceof RequestError && e.code === 'aborted').length, 20 - sent, 'every other one rejected as aborted');
  await delay(150);
  const started = Date.now();
  await Promise.all(Array.from({ length: 2 }, (_, n) => http.request({ path: `/tick/next${n}`, route: '/tick/:n' })));
  const took = Date.now() - started;
  t.ok(took < 700, `two new requests at 10/s took ${took} ms, not the 2 s that 20 abandoned ones would have held`);
  // /tick/0 took the only slot and may reach the server after the abort on a loaded machine; the queued ones never do.
  t.equal(sim.hits(/^\/tick\/[1-9]/), 0, 'no abandoned request was sent later');
});

t.test('abort via signal during the backoff wait', async (t) => {
  const { sim, http } = await setup(t, { retries: 3, retryBaseMs: 1, retryMaxMs: 2 });
  sim.route('GET', '/limited', () => ({ status: 429, headers: { 'retry-after': '5' }, body: {} }));
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  const started = Date.now();
  await rejectsWith(t, http.request({ path: '/limited', route: '/limited', signal: ac.signal }), RequestError, { code: 'aborted' });
  t.ok(Date.now() - started < 1000, 'did not sleep out the Retry-After');
  t.equal(sim.hits('/limited'), 1);
});

t.test('metrics: per attempt, by route template, durations observed', async (t) => {
  const { sim, http, metrics } = await setup(t, { retries: 1 });
  sim.route('GET', '/items/:id', async (req) => {
    await delay(20);
    return req.params.id === '3' ? { status: 500, body: {} } : { body: { id: req.params.id } };
  });
  for (const id of ['1', '2']) await http.request({ path: `/items/${id}`, route: '/items/:id' });
  await rejectsWith(t, http.request({ path: '/items/3', route: '/items/:id' }), HttpError, { status: 500 });
  t.same(await requestCounts(metrics, '/items/:id'), { '200': 2, '500': 2 });
  t.match(
    await metrics.registry.getSingleMetricAsString('capacity_exporter_upstream_requests_total'),
    /^capacity_exporter_upstream_requests_total\{source="test",target="t1",endpoint="\/items\/:id",code="200"\} 2$/m,
  );
  const all = parseExposition(await metrics.registry.getSingleMetricAsString('capacity_exporter_upstream_requests_total'));
  t.notOk(
    all.some((s) => /\/items\/\d/.test(s.labels.endpoint ?? '')),
    'no concrete id in any endpoint label',
  );
  const d = await durationCount(metrics, '/items/:id');
  t.equal(d.count, 4, 'one observation per attempt');
  t.ok(d.sum >= 4 * 0.015 && d.sum < 5, `durations in seconds (${d.sum})`);
  const text = await metrics.render();
  t.match(text, /capacity_exporter_upstream_request_duration_seconds_bucket\{le="0\.005",source="test",target="t1",endpoint="\/items\/:id"\} 0/);
  t.match(text, /capacity_exporter_upstream_request_duration_seconds_bucket\{le="\+Inf",source="test",target="t1",endpoint="\/items\/:id"\} 4/);
});

t.test('a request undici refuses before sending fails at once, counted once, and the client goes on', async (t) => {
  const { sim, http, metrics } = await setup(t, { retries: 0 });
  sim.route('GET', '/ok', () => ({ body: { ok: true } }));
  // undici validates header values as it takes the request: the exchange ends inside its constructor.
  const err = await http.request({ path: '/ok', route: '/refused', headers: { 'x-bad': 'a\r\nb' } }).catch((e: unknown) => e);
  t.type(err, RequestError);
  t.match(err, { code: 'network', route: '/refused' });
  t.match(
    await metrics.registry.getSingleMetricAsString('capacity_exporter_upstream_requests_total'),
    /^capacity_exporter_upstream_requests_total\{source="test",target="t1",endpoint="\/refused",code="network"\} 1$/m,
  );
  t.equal((await durationCount(metrics, '/refused')).count, 1, 'one duration observed');
  t.same((await http.request({ path: '/ok', route: '/ok' })).data, { ok: true }, 'the next request goes through');
});

t.test('the concurrency limit caps requests in flight', async (t) => {
  const { sim, http } = await setup(t, { concurrency: 3 });
  let inFlight = 0;
  let max = 0;
  sim.route('GET', '/work/:n', async (req) => {
    inFlight += 1;
    max = Math.max(max, inFlight);
    await delay(40);
    inFlight -= 1;
    return { body: { n: Number(req.params.n) } };
  });
  const results = await Promise.all(Array.from({ length: 12 }, (_, n) => http.request<{ n: number }>({ path: `/work/${n}`, route: '/work/:n' })));
  t.same(
    results.map((r) => r.data.n),
    Array.from({ length: 12 }, (_, n) => n),
    'every answer goes to its request',
  );
  t.equal(max, 3, 'exactly the limit in flight at the peak');

  max = 0;
  await Promise.all(Array.from({ length: 6 }, (_, n) => http.request({ path: `/work/${n}`, route: '/work/:n', queue: false })));
  t.ok(max > 3, `queue: false bypasses the limit (peak ${max})`);
});

t.test('requestsPerSecond paces requests', async (t) => {
  const { sim, http } = await setup(t, { requestsPerSecond: 20 });
  sim.route('GET', '/tick', () => ({ body: {} }));
  const started = Date.now();
  await Promise.all(Array.from({ length: 10 }, () => http.request({ path: '/tick', route: '/tick' })));
  const took = Date.now() - started;
  t.ok(took >= 350 && took < 2000, `10 requests at 20/s took ${took} ms`);
});

t.test('TLS with a self-signed certificate', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'http-client-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  const cert = readFileSync(certFile);
  const { port, hits } = await rawServer(
    t,
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"secure":true}');
    },
    createHttpsServer({ key: readFileSync(keyFile), cert }),
  );
  const url = `https://127.0.0.1:${port}/tls`;

  await t.test('refused without the CA', async (t) => {
    const { http, logText } = await setup(t, { retries: 0 });
    await rejectsWith(t, http.request({ url, route: '/tls' }), RequestError, { code: 'network', message: /self[- ]signed/i });
    t.notMatch(logText(), /insecureSkipVerify/, 'no warning when verification is on');
  });

  await t.test('accepted with the CA', async (t) => {
    const { http } = await setup(t, { retries: 0, ca: cert });
    t.same((await http.request({ url, route: '/tls' })).data, { secure: true });
  });

  await t.test('accepted with insecureSkipVerify, with a warning', async (t) => {
    const { http, logText } = await setup(t, { retries: 0, insecureSkipVerify: true });
    t.same((await http.request({ url, route: '/tls' })).data, { secure: true });
    const warning = logText()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: number; msg: string; target?: string })
      .find((l) => /TLS certificate verification is disabled/.test(l.msg));
    t.ok(warning, 'warned');
    t.equal(warning?.level, 40, 'at warn level');
    t.equal(warning?.target, 't1', 'naming the target');
  });

  t.equal(hits.length, 2, 'the refused handshake never reached the handler');
});
