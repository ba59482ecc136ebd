import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { jwtExpiry } from '../src/sources/ixapi/auth.js';
import ixapi from '../src/sources/ixapi/index.js';
import { find, type ParsedSample } from './helpers/exposition.js';
import { authFor, simulator, success, targetFor } from './helpers/ixapi-setup.js';
import { startSource } from './helpers/source-harness.js';

const tokenRequests = (samples: ParsedSample[], outcome: string) =>
  find(samples, 'capacity_exporter_token_requests_total', { source: 'ixapi', outcome })[0]?.value ?? 0;

t.test('OAuth2 client credentials: form POST to tokenUrl, expires_in honoured, token renewed before expiry', async (t) => {
  const sim = await simulator(t, { accessTtlSeconds: 2 });
  const h = await startSource(t, ixapi, targetFor(sim), sim);
  t.equal(sim.stats.oauthTokens, 1, 'one token for the first cycle (three lists)');
  const first = sim.server.log.find((r) => r.path === '/api/v2/network-services')!.headers.authorization;
  t.match(first, /^Bearer /);
  t.equal(success(await h.samples()), 1);

  await h.cycle();
  t.equal(sim.stats.oauthTokens, 1, 'a fresh token is reused');
  await sleep(1_100);
  await h.cycle();
  const s = await h.samples();
  t.equal(sim.stats.oauthTokens, 2, 'renewed once past half its lifetime');
  t.equal(sim.stats.refused, 0);
  t.equal(success(s), 1);
  t.equal(tokenRequests(s, 'success'), 2);
  const last = sim.server.log.filter((r) => r.path === '/api/v2/connections').at(-1)!.headers.authorization;
  t.not(last, first, 'the new token is used');
});

t.test('OAuth2: client id and secret as HTTP Basic (clientAuth basic), with a scope', async (t) => {
  const sim = await simulator(t);
  const h = await startSource(t, ixapi, targetFor(sim, { auth: { ...authFor(sim, 'oauth2'), clientAuth: 'basic', scope: 'resource.ixapi' } }), sim);
  const tokenRequest = sim.server.log.find((r) => r.path === '/connect/token')!;
  t.match(tokenRequest.headers.authorization, /^Basic /);
  t.equal(tokenRequest.headers['content-type'], 'application/x-www-form-urlencoded');
  t.equal(sim.stats.oauthTokens, 1);
  t.equal(success(await h.samples()), 1);
});

t.test('OAuth2: a token the server stops accepting is fetched again after the 401', async (t) => {
  const sim = await simulator(t);
  const h = await startSource(t, ixapi, targetFor(sim), sim);
  sim.revokeAccessTokens();
  await h.cycle();
  t.equal(sim.stats.oauthTokens, 2);
  t.equal(success(await h.samples()), 1);
});

t.test('OAuth2: refused client credentials fail every list and count failed token requests', async (t) => {
  const sim = await simulator(t);
  const h = await startSource(t, ixapi, targetFor(sim), sim);
  await h.cycle();
  const before = (await h.samples()).filter((x) => x.name.startsWith('ixapi_')).length;
  sim.credentials.clientSecret = 'rotated-upstream';
  sim.revokeAccessTokens();
  await h.cycle();
  const s = await h.samples();
  t.equal(success(s), 0);
  t.ok(tokenRequests(s, 'failure') >= 1);
  t.equal(s.filter((x) => x.name.startsWith('ixapi_')).length, before, 'series kept under the staleness rule');
  t.match(h.errors().join('\n'), /token: HTTP 401/);
});

t.test('key/secret: POST /auth/token with api_key and api_secret, expiry from the JWT exp, POST /auth/refresh', async (t) => {
  const sim = await simulator(t, { accessTtlSeconds: 3 });
  const h = await startSource(t, ixapi, targetFor(sim, {}, 'key-secret'), sim);
  t.equal(sim.stats.logins, 1);
  t.equal(sim.stats.oauthTokens, 0);
  const first = sim.server.log.find((r) => r.path === '/api/v2/network-services')!.headers.authorization!;
  const exp = jwtExpiry(first.replace(/^Bearer /, ''));
  t.ok(exp !== undefined && exp > Date.now() && exp <= Date.now() + 3_000, 'the access token is a JWT with exp');

  await h.cycle();
  t.equal(sim.stats.refreshes, 0, 'no refresh while the token is fresh');
  await sleep(1_600);
  await h.cycle();
  const s = await h.samples();
  t.equal(sim.stats.refreshes, 1, 'refreshed with the refresh token');
  t.equal(sim.stats.logins, 1, 'without logging in again');
  t.equal(sim.stats.refused, 0);
  t.equal(success(s), 1);
  t.equal(tokenRequests(s, 'success'), 2);
  const last = sim.server.log.filter((r) => r.path === '/api/v2/connections').at(-1)!.headers.authorization;
  t.not(last, first);

  await sleep(1_600);
  await h.cycle();
  t.equal(sim.stats.refreshes, 2, 'the rotated refresh token works for the next refresh');
  t.equal(sim.stats.refused, 0);
});

t.test('key/secret: a refused refresh token falls back to api_key/api_secret', async (t) => {
  const sim = await simulator(t);
  const h = await startSource(t, ixapi, targetFor(sim, {}, 'key-secret'), sim);
  sim.revokeAccessTokens();
  sim.revokeRefreshTokens();
  await h.cycle();
  t.equal(sim.stats.refused, 1, 'the refresh was refused');
  t.equal(sim.stats.logins, 2, 'then a new login');
  t.equal(success(await h.samples()), 1);
});

t.test('key/secret: a 401 on a list is answered by a refresh, not a new login', async (t) => {
  const sim = await simulator(t);
  const h = await startSource(t, ixapi, targetFor(sim, {}, 'key-secret'), sim);
  sim.revokeAccessTokens();
  await h.cycle();
  t.equal(sim.stats.refreshes, 1);
  t.equal(sim.stats.logins, 1);
  t.equal(success(await h.samples()), 1);
});

t.test('jwtExpiry reads exp in seconds; not a JWT means unknown', async (t) => {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  t.equal(jwtExpiry(`${enc({ alg: 'none' })}.${enc({ exp: 1700000000 })}.sig`), 1700000000 * 1000);
  t.equal(jwtExpiry(`${enc({ alg: 'none' })}.${enc({ sub: 'x' })}.sig`), undefined);
  t.equal(jwtExpiry('opaque-token'), undefined);
  t.equal(jwtExpiry('a.%%%.c'), undefined);
});
