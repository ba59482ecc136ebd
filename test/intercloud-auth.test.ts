import t from 'tap';
import { setTimeout as delay } from 'node:timers/promises';
import { find } from './helpers/exposition.js';
import { startIntercloud } from './helpers/intercloud-harness.js';

const USED = 'intercloud_group_used_capacity_bytes_per_second';
const small = { organisations: 3, depth: 2, groupsPerOrg: 2, regionsPerGroup: 2 };

t.test('personal access token: sent as the Bearer token, no token request', async (t) => {
  const h = await startIntercloud(t, small);
  const s = await h.samples();
  t.equal(find(s, USED).length, h.sim.groups().length * 2);
  t.equal(h.sim.server.hits('/auth/token'), 0);
  t.ok(h.sim.server.log.every((r) => r.headers.authorization === `Bearer ${h.sim.personalAccessToken}`));
  t.notMatch(h.logText(), h.sim.personalAccessToken, 'PAT never logged');
});

t.test('password grant with a wrong basic token: the token request fails and so does the cycle', async (t) => {
  const h = await startIntercloud(t, small, {
    auth: { username: 'admin@parent.example', password: 'titi tata toto', basicToken: 'bm90LXRoZS1yaWdodC1vbmU=' },
  });
  const s = await h.samples();
  t.equal(find(s, 'capacity_exporter_token_requests_total', { outcome: 'failure' })[0]!.value, 1);
  t.equal(find(s, 'capacity_exporter_collect_success', { target: 'ic' })[0]!.value, 0);
  t.equal(h.sim.server.hits('/me/info'), 0, 'no API call without a token');
});

t.test('password grant: POST /auth/token with the Basic token and a JSON body, then Bearer', async (t) => {
  const creds = { username: 'ops@reseller.example', password: 'p4ss "word"', basicToken: 'ZXhwb3J0ZXI6c2VjcmV0LWJhc2lj' };
  const h = await startIntercloud(t, { ...small, ...creds }, { auth: creds });
  const s = await h.samples();
  t.equal(find(s, USED).length, h.sim.groups().length * 2);
  const tokenReqs = h.sim.server.log.filter((r) => r.path === '/auth/token');
  t.equal(tokenReqs.length, 1, 'one token for the whole cycle (single-flight)');
  t.equal(tokenReqs[0]!.headers.authorization, `Basic ${creds.basicToken}`);
  t.match(String(tokenReqs[0]!.headers['content-type']), /application\/json/);
  t.equal(find(s, 'capacity_exporter_token_requests_total', { outcome: 'success' })[0]!.value, 1);
  const api = h.sim.server.log.filter((r) => r.path !== '/auth/token');
  t.ok(api.every((r) => /^Bearer \S+$/.test(String(r.headers.authorization)) && r.headers.authorization !== `Bearer ${h.sim.personalAccessToken}`));
  const log = h.logText();
  for (const secret of [creds.password, creds.basicToken, String(api[0]!.headers.authorization).slice(7)]) t.notMatch(log, secret, 'secret not logged');
});

t.test('tokens revoked mid-cycle: one 401, a new token, the cycle completes', async (t) => {
  const creds = { username: 'u@x.example', password: 'pw-123456', basicToken: 'YmFzaWMtdG9rZW4tMTIz' };
  const h = await startIntercloud(t, { ...small, ...creds, organisations: 4, regionsPerGroup: 4, latencyMs: 10 }, { auth: creds, concurrency: 2 });
  const runsBefore = h.sim.server.hits(/\/run$/);
  let settled = false;
  const cycle = h.cycle().finally(() => (settled = true));
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by the cycle's finally() while this loop waits
  while (!settled && h.sim.server.hits(/\/run$/) < runsBefore + 6) await delay(5);
  t.notOk(settled, 'revoked while the cycle runs');
  h.sim.expireTokens();
  await cycle;
  const s = await h.samples();
  t.equal(find(s, 'capacity_exporter_collect_success', { target: 'ic' })[0]!.value, 1, 'no part failed');
  t.equal(find(s, 'capacity_exporter_token_requests_total', { outcome: 'success' })[0]!.value, 2, 'fetched again after the 401');
  t.ok(find(s, 'capacity_exporter_upstream_requests_total', { code: '401' })[0]!.value >= 1, 'the refusal was seen');
  t.equal(find(s, USED).length, h.sim.groups().length * 4);
});

t.test('short-lived tokens are renewed before they expire', async (t) => {
  const creds = { username: 'u@x.example', password: 'pw-123456', basicToken: 'YmFzaWMtdG9rZW4tMTIz' };
  const h = await startIntercloud(t, { ...small, ...creds, tokenTtlSeconds: 1.5, latencyMs: 25 }, { auth: creds, concurrency: 1 });
  await h.cycle();
  const s = await h.samples();
  t.equal(find(s, 'capacity_exporter_collect_success', { target: 'ic' })[0]!.value, 1);
  t.ok(find(s, 'capacity_exporter_token_requests_total', { outcome: 'success' })[0]!.value >= 2, 'renewed during the cycles');
  t.equal(find(s, 'capacity_exporter_upstream_requests_total', { code: '401' }).length, 0, 'never used an expired token');
});

t.test('a wrong personal access token fails the cycle and says so', async (t) => {
  const h = await startIntercloud(t, small, { auth: { personalAccessToken: 'not-the-right-token' } });
  const s = await h.samples();
  t.equal(find(s, 'capacity_exporter_collect_success', { target: 'ic' })[0]!.value, 0);
  t.equal(find(s, USED).length, 0);
  t.match(h.logText(), /HTTP 401/);
});
