import t, { type Test } from 'tap';
import { HttpClient, HttpError } from '../src/core/http.js';
import { abortable, CachedTokenProvider, type Token } from '../src/core/auth/provider.js';
import { NoAuth, StaticTokenProvider } from '../src/core/auth/static.js';
import { ClientCredentialsProvider, bearerToken, parseOAuthTokenResponse } from '../src/core/auth/oauth2.js';
import { PasswordGrantProvider } from '../src/core/auth/password.js';
import { ShapeError } from '../src/core/shape.js';
import { SelfMetrics } from '../src/core/selfmetrics.js';
import { SimServer, type SimRequest, type SimResponse } from '../src/simulator/server.js';
import { TokenStore, bearer } from '../src/simulator/tokens.js';
import { parseExposition } from './helpers/exposition.js';
import { captureLogger } from './helpers/log.js';
import { setTimeout as delay } from 'node:timers/promises';

const HOUR = 3_600_000;

/** A fake clock shared by the provider and the identity server, so expiry is tested without sleeping. */
function fakeClock(start = Date.parse('2026-11-23T10:00:00Z')) {
  const clock = { ms: start, now: () => clock.ms, advance: (ms: number) => (clock.ms += ms) };
  return clock;
}

interface TokenCall {
  type: string | undefined;
  accept: string | string[] | undefined;
  authorization: string | undefined;
  raw: string;
  body: Record<string, unknown>;
}

/**
 * An identity server and an API on one SimServer: POST /oauth/token issues tokens from a
 * TokenStore and GET /api/data accepts only live ones.
 */
async function setup(t: Test, opts: { ttlSeconds?: number; now?: () => number; tokenHandler?: (req: SimRequest) => SimResponse | Promise<SimResponse> } = {}) {
  const sim = new SimServer();
  const store = new TokenStore(opts.ttlSeconds ?? 3600, opts.now);
  const calls: TokenCall[] = [];
  sim.route('POST', '/oauth/token', async (req) => {
    calls.push({
      type: req.headers['content-type'],
      accept: req.headers.accept,
      authorization: req.headers.authorization,
      raw: req.rawBody,
      body: req.body as Record<string, unknown>,
    });
    if (opts.tokenHandler) return opts.tokenHandler(req);
    const { token } = store.issue({});
    return { body: { access_token: token, token_type: 'Bearer', expires_in: store.ttlSeconds } };
  });
  sim.route('GET', '/api/data', (req) =>
    store.check(bearer(req.headers.authorization)) ? { body: { data: 42 } } : { status: 401, body: { error: 'invalid_token' } },
  );
  const url = await sim.listen();
  const metrics = new SelfMetrics('test');
  const capture = captureLogger();
  const http = new HttpClient({
    source: 'test',
    target: 't1',
    baseUrl: url,
    timeoutMs: 2000,
    retries: 2,
    maxResponseBytes: 1 << 20,
    concurrency: 4,
    requestsPerSecond: 0,
    metrics,
    log: capture.log,
    retryBaseMs: 5,
    retryMaxMs: 20,
  });
  t.teardown(async () => {
    await http.close();
    await sim.close();
  });
  const base = { tokens: metrics.tokenObserver('test', 't1'), http, tokenUrl: `${url}/oauth/token` };
  return { sim, store, calls, http, metrics, url, base, log: capture.log, logText: capture.text };
}

async function tokenCounts(metrics: SelfMetrics): Promise<Record<string, number>> {
  const text = await metrics.registry.getSingleMetricAsString('capacity_exporter_token_requests_total');
  const out: Record<string, number> = {};
  for (const s of parseExposition(text)) {
    if (s.labels.source === 'test' && s.labels.target === 't1') out[s.labels.outcome!] = s.value;
  }
  return out;
}

async function upstreamCounts(metrics: SelfMetrics, endpoint: string): Promise<Record<string, number>> {
  const text = await metrics.registry.getSingleMetricAsString('capacity_exporter_upstream_requests_total');
  const out: Record<string, number> = {};
  for (const s of parseExposition(text)) if (s.labels.endpoint === endpoint) out[s.labels.code!] = s.value;
  return out;
}

t.test('StaticTokenProvider: bearer by default, any header and prefix, never invalidated', async (t) => {
  const { sim, http, logText, log } = await setup(t);
  const secret = 'static-secret-0123456789';
  const auth = new StaticTokenProvider(secret);
  t.same(auth.headers(), { authorization: `Bearer ${secret}` }, 'given at once, no promise');
  auth.invalidate();
  t.same(auth.headers(), { authorization: `Bearer ${secret}` }, 'a static token survives invalidate');

  const keyed = new StaticTokenProvider('key-abcdef', 'X-Auth-Token', '');
  t.same(keyed.headers(), { 'x-auth-token': 'key-abcdef' }, 'header name lower-cased, no prefix');
  t.same(new NoAuth().headers(), {});

  sim.route('GET', '/echo', (req) => ({ body: { authorization: req.headers.authorization, key: req.headers['x-auth-token'] } }));
  t.same((await http.request({ path: '/echo', route: '/echo', auth })).data, { authorization: `Bearer ${secret}` });
  t.same((await http.request({ path: '/echo', route: '/echo', auth: keyed })).data, { key: 'key-abcdef' });

  log.info(`upstream said: token ${secret} is fine`);
  t.match(logText(), /upstream said: token \[REDACTED\] is fine/, 'the token is registered as a secret and masked');
  t.notMatch(logText(), new RegExp(secret));
});

t.test('ClientCredentialsProvider: form-encoded grant, bearer header, token route counted', async (t) => {
  const { calls, base, metrics, sim } = await setup(t);
  const auth = new ClientCredentialsProvider({ ...base, clientId: 'exporter', clientSecret: 's3cr3t+/=&x', scope: 'read:capacity write' });
  const headers = await auth.headers({});
  t.match(headers, { authorization: /^Bearer [\w-]{20,}$/ });
  t.equal(calls.length, 1);
  const call = calls[0]!;
  t.equal(call.type, 'application/x-www-form-urlencoded');
  t.equal(call.accept, 'application/json');
  t.same(call.body, { grant_type: 'client_credentials', client_id: 'exporter', client_secret: 's3cr3t+/=&x', scope: 'read:capacity write' });
  t.match(call.raw, /client_secret=s3cr3t%2B%2F%3D%26x/, 'secret form-encoded');
  t.equal(call.authorization, undefined, 'client_secret_post sends no Authorization header');
  t.equal(sim.log[0]!.method, 'POST');
  t.same(await upstreamCounts(metrics, 'token'), { '200': 1 }, 'token requests use the route label "token"');
  t.same(await tokenCounts(metrics), { success: 1 });
});

t.test('ClientCredentialsProvider with clientAuth basic', async (t) => {
  const { calls, base } = await setup(t);
  const auth = new ClientCredentialsProvider({ ...base, clientId: 'my client', clientSecret: 'p:ss', clientAuth: 'basic' });
  await auth.headers({});
  const call = calls[0]!;
  t.equal(call.authorization, `Basic ${Buffer.from('my%20client:p%3Ass').toString('base64')}`, 'RFC 6749 2.3.1: form-encoded id and secret');
  t.same(call.body, { grant_type: 'client_credentials' }, 'no credentials in the body');
});

t.test('expires_in honoured: refresh at expiry minus the margin', async (t) => {
  const clock = fakeClock();
  const { calls, base, metrics } = await setup(t, { ttlSeconds: 3600, now: clock.now });
  const auth = new ClientCredentialsProvider({ ...base, clientId: 'c', clientSecret: 's', now: clock.now });
  const first = await auth.headers({});
  clock.advance(HOUR - 60_000 - 1);
  t.same(await auth.headers({}), first, 'cached until 60 s before expiry');
  t.equal(calls.length, 1);
  clock.advance(1);
  const second = await auth.headers({});
  t.equal(calls.length, 2, 'refreshed 60 s before expiry');
  t.not(second.authorization, first.authorization, 'with a new token');
  clock.advance(HOUR - 60_000 - 1);
  t.same(await auth.headers({}), second, 'the new token has its own lifetime');
  t.equal(calls.length, 2);
  t.same(await tokenCounts(metrics), { success: 2 });
});

t.test('a custom refresh margin, and at most half a short lifetime', async (t) => {
  const clock = fakeClock();
  const { calls, base, store } = await setup(t, { ttlSeconds: 3600, now: clock.now });
  const keystoneLike = new ClientCredentialsProvider({ ...base, clientId: 'c', clientSecret: 's', now: clock.now, refreshMarginMs: 120_000 });
  await keystoneLike.headers({});
  clock.advance(HOUR - 120_001);
  await keystoneLike.headers({});
  t.equal(calls.length, 1, 'kept until 120 s before expiry');
  clock.advance(1);
  await keystoneLike.headers({});
  t.equal(calls.length, 2, 'refreshed 120 s before expiry');

  store.ttlSeconds = 60;
  const shortLived = new ClientCredentialsProvider({ ...base, clientId: 'c', clientSecret: 's', now: clock.now });
  await shortLived.headers({});
  clock.advance(29_999);
  await shortLived.headers({});
  t.equal(calls.length, 3, 'a 60 s token is not refreshed at once with a 60 s margin');
  clock.advance(1);
  await shortLived.headers({});
  t.equal(calls.length, 4, 'but after half its lifetime');
});

t.test('a token without expires_in is kept until invalidated', async (t) => {
  const clock = fakeClock();
  let n = 0;
  const { calls, base } = await setup(t, { tokenHandler: () => ({ body: { access_token: `forever-${++n}` } }) });
  const auth = new ClientCredentialsProvider({ ...base, clientId: 'c', clientSecret: 's', now: clock.now });
  t.same(await auth.headers({}), { authorization: 'Bearer forever-1' });
  clock.advance(10 * 365 * 24 * HOUR);
  t.same(await auth.headers({}), { authorization: 'Bearer forever-1' });
  t.equal(calls.length, 1);
  auth.invalidate({ authorization: 'Bearer forever-1' });
  t.same(await auth.headers({}), { authorization: 'Bearer forever-2' });
});

t.test('single-flight: 20 concurrent callers, one token request', async (t) => {
  const { calls, base, metrics, store } = await setup(t, {
    tokenHandler: async () => {
      await delay(50);
      return { body: { access_token: store.issue({}).token, expires_in: 3600 } };
    },
  });
  const auth = new ClientCredentialsProvider({ ...base, clientId: 'c', clientSecret: 's' });
  const all = await Promise.all(Array.from({ length: 20 }, () => Promise.resolve(auth.headers({}))));
  t.equal(calls.length, 1, 'one token request');
  t.equal(new Set(all.map((h) => h.authorization)).size, 1, 'everyone got the same token');
  t.same(await tokenCounts(metrics), { success: 1 });

  auth.invalidate(all[0]!);
  const again = await Promise.all(Array.from({ length: 20 }, () => Promise.resolve(auth.headers({}))));
  t.equal(calls.length, 2, 'one more after an invalidation, however many wait');
  t.not(again[0]!.authorization, all[0]!.authorization);
});

t.test('single-flight through the client: 20 requests, one token, all authorised', async (t) => {
  const { calls, base, http, sim } = await setup(t);
  const auth = new ClientCredentialsProvider({ ...base, clientId: 'c', clientSecret: 's' });
  const results = await Promise.all(Array.from({ length: 20 }, () => http.request<{ data: number }>({ path: '/api/data', route: '/api/data', auth })));
  t.ok(results.every((r) => r.data.data === 42));
  t.equal(calls.length, 1);
  t.equal(sim.hits('/api/data'), 20, 'no 401 and no retry');
});

t.test('token failures are counted, not cached, and carry the error body', async (t) => {
  let fail = true;
  const { calls, base, metrics, store } = await setup(t, {
    tokenHandler: () => (fail ? { status: 400, body: { error: 'invalid_client' } } : { body: { access_token: store.issue({}).token, expires_in: 3600 } }),
  });
  const auth = new ClientCredentialsProvider({ ...base, clientId: 'c', clientSecret: 'wrong' });
  const err = await Promise.resolve(auth.headers({})).catch((e: unknown) => e);
  t.type(err, HttpError);
  t.match(err, { status: 400, route: 'token', body: { error: 'invalid_client' } });
  t.same(await tokenCounts(metrics), { failure: 1 });
  await t.rejects(Promise.resolve(auth.headers({})), HttpError, 'the next call tries again');
  t.equal(calls.length, 2);
  t.same(await tokenCounts(metrics), { failure: 2 });

  fail = false;
  t.match(await auth.headers({}), { authorization: /^Bearer / });
  t.same(await tokenCounts(metrics), { failure: 2, success: 1 });
});

t.test('a malformed token response is a failure with the JSON path', async (t) => {
  const { base, metrics } = await setup(t, { tokenHandler: () => ({ body: { token_type: 'Bearer', expires_in: '3600' } }) });
  const auth = new ClientCredentialsProvider({ ...base, clientId: 'c', clientSecret: 's' });
  await t.rejects(Promise.resolve(auth.headers({})), ShapeError);
  await t.rejects(Promise.resolve(auth.headers({})), /access_token/);
  t.same(await tokenCounts(metrics), { failure: 2 });
});

t.test('parseOAuthTokenResponse and bearerToken', async (t) => {
  t.same(parseOAuthTokenResponse({ access_token: 'a', refresh_token: 'r', expires_in: 300, token_type: 'bearer' }), {
    accessToken: 'a',
    refreshToken: 'r',
    expiresIn: 300,
  });
  t.same(parseOAuthTokenResponse({ access_token: 'a' }), { accessToken: 'a', refreshToken: undefined, expiresIn: undefined });
  t.throws(() => parseOAuthTokenResponse({ access_token: 'a', expires_in: 'soon' }), /expires_in/);
  t.throws(() => parseOAuthTokenResponse([]), ShapeError);
  t.same(bearerToken({ accessToken: 'a', refreshToken: 'r', expiresIn: 300 }, 1000), {
    headers: { authorization: 'Bearer a' },
    secrets: ['a', 'r'],
    expiresAt: 301_000,
  });
  t.equal(bearerToken({ accessToken: 'a' }, 1000).expiresAt, undefined);
});

t.test('fetched tokens are masked in logs', async (t) => {
  let issued = '';
  const { base, log, logText } = await setup(t, {
    tokenHandler: () => {
      issued = `acc-${Math.random().toString(36).slice(2)}-token`;
      return { body: { access_token: issued, refresh_token: `${issued}-refresh`, expires_in: 3600 } };
    },
  });
  const auth = new ClientCredentialsProvider({ ...base, clientId: 'c', clientSecret: 's' });
  await auth.headers({});
  log.warn(`upstream echoed ${issued} and ${issued}-refresh`);
  t.notMatch(logText(), issued);
  t.match(logText(), /upstream echoed \[REDACTED\] and \[REDACTED\]/);
});

t.test('PasswordGrantProvider: form body with client and extra headers', async (t) => {
  const { calls, base, metrics } = await setup(t);
  const auth = new PasswordGrantProvider({
    ...base,
    route: '/auth/token',
    username: 'ops@example.net',
    password: 'pa ss&word+1',
    scope: 'api',
    clientId: 'cid',
    clientSecret: 'csecret',
    headers: { authorization: 'Basic aW50ZXJjbG91ZA==' },
  });
  t.match(await auth.headers({}), { authorization: /^Bearer / });
  const call = calls[0]!;
  t.equal(call.type, 'application/x-www-form-urlencoded');
  t.same(call.body, {
    grant_type: 'password',
    username: 'ops@example.net',
    password: 'pa ss&word+1',
    scope: 'api',
    client_id: 'cid',
    client_secret: 'csecret',
  });
  t.match(call.raw, /password=pa\+ss%26word%2B1/);
  t.equal(call.authorization, 'Basic aW50ZXJjbG91ZA==', 'extra headers sent with the token request');
  t.same(await upstreamCounts(metrics, '/auth/token'), { '200': 1 }, 'counted under its route template');
  t.same(await tokenCounts(metrics), { success: 1 });
});

t.test('PasswordGrantProvider: json body, optional fields left out', async (t) => {
  const { calls, base } = await setup(t);
  const auth = new PasswordGrantProvider({ ...base, username: 'u', password: 'p', bodyFormat: 'json' });
  t.match(await auth.headers({}), { authorization: /^Bearer / });
  const call = calls[0]!;
  t.equal(call.type, 'application/json');
  t.same(JSON.parse(call.raw), { grant_type: 'password', username: 'u', password: 'p' });
});

t.test('PasswordGrantProvider honours expires_in with the margin', async (t) => {
  const clock = fakeClock();
  const { calls, base } = await setup(t, { ttlSeconds: 600, now: clock.now });
  const auth = new PasswordGrantProvider({ ...base, username: 'u', password: 'p', now: clock.now });
  await auth.headers({});
  clock.advance(540_000 - 1);
  await auth.headers({});
  t.equal(calls.length, 1);
  clock.advance(1);
  await auth.headers({});
  t.equal(calls.length, 2);
});

t.test('invalidate drops the token only when the refused headers are the current ones', async (t) => {
  const { calls, base } = await setup(t);
  const auth = new ClientCredentialsProvider({ ...base, clientId: 'c', clientSecret: 's' });
  const a = await auth.headers({});

  auth.invalidate({ authorization: 'Bearer something-else' });
  t.same(await auth.headers({}), a, 'other headers: kept');
  auth.invalidate({ ...a, 'x-extra': '1' });
  t.same(await auth.headers({}), a, 'more headers than the token has: kept');
  auth.invalidate({});
  t.same(await auth.headers({}), a, 'no headers: kept');
  t.equal(calls.length, 1);

  auth.invalidate({ ...a });
  const b = await auth.headers({});
  t.not(b.authorization, a.authorization, 'the refused token is replaced');
  t.equal(calls.length, 2);

  // A second request refused with the old token (a 401 racing the refresh) keeps the new one.
  auth.invalidate(a);
  t.same(await auth.headers({}), b);
  t.equal(calls.length, 2);
});

t.test('401 from the API: the client invalidates, refetches and retries once', async (t) => {
  const clock = fakeClock();
  const { calls, base, http, sim, store, metrics } = await setup(t, { now: clock.now });
  const auth = new ClientCredentialsProvider({ ...base, clientId: 'c', clientSecret: 's', now: clock.now });
  t.same((await http.request({ path: '/api/data', route: '/api/data', auth })).data, { data: 42 });
  t.equal(calls.length, 1);

  store.revokeAll();
  t.same((await http.request({ path: '/api/data', route: '/api/data', auth })).data, { data: 42 }, 'recovered from the revocation');
  t.equal(calls.length, 2, 'one new token');
  t.same(await upstreamCounts(metrics, '/api/data'), { '200': 2, '401': 1 });
  const [refused, retried] = sim.log
    .filter((r) => r.path === '/api/data')
    .slice(1)
    .map((r) => r.headers.authorization);
  t.not(refused, retried, 'the retry carried the new token');

  // Past the refresh point but before the server's expiry: refreshed ahead, never refused.
  clock.advance(HOUR - 30_000);
  await http.request({ path: '/api/data', route: '/api/data', auth });
  t.equal(calls.length, 3);
  t.same(await upstreamCounts(metrics, '/api/data'), { '200': 3, '401': 1 }, 'no 401 for an expiring token');
});

t.test('a token the API keeps refusing: HttpError 401 after one refetch', async (t) => {
  const { calls, base, http, sim } = await setup(t);
  sim.route('GET', '/api/forbidden-ish', () => ({ status: 401, body: { error: 'invalid_token' } }));
  const auth = new ClientCredentialsProvider({ ...base, clientId: 'c', clientSecret: 's' });
  await t.rejects(http.request({ path: '/api/forbidden-ish', route: '/api/forbidden-ish', auth }), {
    name: 'HttpError',
    status: 401,
    body: { error: 'invalid_token' },
  });
  t.equal(calls.length, 2, 'the first token and its replacement');
  t.equal(sim.hits('/api/forbidden-ish'), 2);
});

t.test('abortable: one waiter gives up, the shared promise goes on', async (t) => {
  const shared = delay(100).then(() => 'value');
  t.equal(abortable(shared, undefined), shared, 'no signal: the promise itself');
  const reason = new Error('gave up');
  await t.rejects(abortable(shared, AbortSignal.abort(reason)), reason, 'already aborted: at once');

  const ac = new AbortController();
  const waiter = abortable(shared, ac.signal);
  const other = abortable(shared, new AbortController().signal);
  setTimeout(() => ac.abort(reason), 10);
  const started = Date.now();
  await t.rejects(waiter, reason);
  t.ok(Date.now() - started < 80, 'rejected before the shared promise settled');
  t.equal(await other, 'value', 'other waiters still get the value');

  const failing = Promise.reject(new Error('upstream down'));
  await t.rejects(abortable(failing, new AbortController().signal), /upstream down/, 'rejections pass through');
});

t.test('a caller that aborts while the token is fetched does not cancel it for others', async (t) => {
  const { calls, base } = await setup(t, {
    tokenHandler: async () => {
      await delay(100);
      return { body: { access_token: 'slow-token-1234', expires_in: 3600 } };
    },
  });
  const auth = new ClientCredentialsProvider({ ...base, clientId: 'c', clientSecret: 's' });
  const ac = new AbortController();
  const impatient = Promise.resolve(auth.headers({ signal: ac.signal }));
  const patient = auth.headers({});
  setTimeout(() => ac.abort(new Error('cycle cancelled')), 10);
  await t.rejects(impatient, /cycle cancelled/);
  t.same(await patient, { authorization: 'Bearer slow-token-1234' });
  const cached = auth.headers({});
  t.notOk(cached instanceof Promise, 'a cached token is given at once, without a promise per request');
  t.same(cached, { authorization: 'Bearer slow-token-1234' }, 'and the token is cached');
  t.equal(calls.length, 1);
});

t.test('a custom CachedTokenProvider gets the previous token on refresh', async (t) => {
  const clock = fakeClock();
  const metrics = new SelfMetrics('test');
  const seen: Array<string | undefined> = [];
  class Rolling extends CachedTokenProvider {
    n = 0;
    protected async fetchToken(previous: Token | undefined): Promise<Token> {
      seen.push(previous?.headers['x-token']);
      this.n += 1;
      return { headers: { 'x-token': `tok-${this.n}` }, secrets: [`tok-${this.n}`], expiresAt: clock.now() + 600_000 };
    }
  }
  const auth = new Rolling({ tokens: metrics.tokenObserver('test', 't1'), now: clock.now });
  t.same(await auth.headers({}), { 'x-token': 'tok-1' });
  clock.advance(600_000);
  t.same(await auth.headers({}), { 'x-token': 'tok-2' });
  t.same(seen, [undefined, 'tok-1'], 'refresh-token flows can use the old token');
  t.same(await tokenCounts(metrics), { success: 2 });
});
