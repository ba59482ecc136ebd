import t from 'tap';
import bcrypt from 'bcryptjs';
import { Pki } from './web-fixtures/pki.js';
import { basic, get, serve } from './web-fixtures/serve.js';
import { BasicAuth } from '../src/web/basic-auth.js';
import { Secret } from '../src/web/secret.js';

const pki = new Pki('web-basic-');
t.teardown(() => pki.remove());
pki.issue('server', { cn: 'server', san: 'IP:127.0.0.1' });
const ca = pki.read(pki.ca);

// Cost 4 keeps the tests quick; the decoy for unknown users must then be cost 4 too.
const aliceHash = bcrypt.hashSync('wonder land:1', 4);
const bobHash = bcrypt.hashSync('builder', 4).replace(/^\$2b\$/, '$2y$'); // as htpasswd and Go write them

/** A bcrypt that records which hashes it was asked about, to see the cache at work. */
function countingCompare() {
  const calls: string[] = [];
  const compare = async (password: string, hash: string) => {
    calls.push(hash);
    return bcrypt.compare(password, hash);
  };
  return { calls, compare };
}

const users = `basic_auth_users:\n  alice: ${aliceHash}\n  bob: "${bobHash}"\n`;

t.test('bcrypt users over HTTPS: right password 200, wrong 401 with a Basic challenge, second scrape from the cache', async (t) => {
  const { calls, compare } = countingCompare();
  const { url, log } = await serve(t, pki.dir, `tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n${users}`, { compare });

  const ok = await get(`${url}/metrics`, { ca, headers: basic('alice', 'wonder land:1') });
  t.equal(ok.status, 200, 'a password with a space and a colon');
  t.equal(ok.body, 'up 1\n');
  t.equal(calls.length, 1, 'first scrape: one bcrypt');

  t.equal((await get(`${url}/metrics`, { ca, headers: basic('alice', 'wonder land:1') })).status, 200);
  t.equal((await get(`${url}/metrics`, { ca, headers: basic('alice', 'wonder land:1') })).status, 200);
  t.equal(calls.length, 1, 'later scrapes: served from the cache, no bcrypt');

  const wrong = await get(`${url}/metrics`, { ca, headers: basic('alice', 'wonderland') });
  t.equal(wrong.status, 401);
  t.match(wrong.headers['www-authenticate'], /^Basic realm="capacity-exporter"/);
  t.same(JSON.parse(wrong.body), { error: 'unauthorized', message: 'valid credentials are required' });
  t.equal(calls.length, 2, 'a wrong password costs a bcrypt');
  await get(`${url}/metrics`, { ca, headers: basic('alice', 'wonderland') });
  t.equal(calls.length, 3, 'failures are not cached: a wrong password costs a bcrypt every time');

  t.equal((await get(`${url}/metrics`, { ca, headers: basic('bob', 'builder') })).status, 200, '$2y$ hashes (htpasswd, Go) work');
  t.match(log.text(), /"basicAuthUsers":2/);
  for (const secret of ['wonder land', 'builder', aliceHash.slice(7), bobHash.slice(7), 'BEGIN']) t.notMatch(log.text(), secret, 'no secret in the log');
});

t.test('an unknown user gets 401 after a bcrypt of the same cost as a known user, never a shortcut', async (t) => {
  const { calls, compare } = countingCompare();
  const { url } = await serve(t, pki.dir, users, { compare });
  t.equal(url.slice(0, 5), 'http:', 'no TLS in this web config: plain HTTP, as exporter-toolkit');

  const res = await get(`${url}/metrics`, { headers: basic('mallory', 'wonder land:1') });
  t.equal(res.status, 401);
  t.match(res.headers['www-authenticate'], /^Basic/);
  t.equal(calls.length, 1, 'one bcrypt, as for a known user');
  t.not(calls[0], aliceHash);
  t.equal(bcrypt.getRounds(calls[0]!), 4, 'against a decoy of the configured cost');
  await get(`${url}/metrics`, { headers: basic('mallory', 'wonder land:1') });
  t.equal(calls.length, 2, 'and again next time');

  for (const header of [undefined, 'Bearer x', 'Basic !!!', `Basic ${Buffer.from('no-colon').toString('base64')}`]) {
    const r = await get(`${url}/metrics`, { headers: header ? { authorization: header } : {} });
    t.equal(r.status, 401, `header ${String(header)}`);
    t.match(r.headers['www-authenticate'], /^Basic/);
  }
  t.equal(calls.length, 2, 'malformed credentials name no user and cost no bcrypt');
  t.equal(
    (await get(`${url}/metrics`, { headers: { authorization: `bAsIc ${Buffer.from('alice:wonder land:1').toString('base64')}` } })).status,
    200,
    'scheme in any case',
  );
});

t.test('/healthz needs no password; every other route does, unknown ones included', async (t) => {
  const { url } = await serve(t, pki.dir, users);
  t.equal((await get(`${url}/healthz`)).status, 200);
  t.equal((await get(`${url}/healthz?verbose=1`)).status, 200);
  t.equal((await get(`${url}/metrics`)).status, 401);
  t.equal((await get(`${url}/nope`)).status, 401, 'a 404 is not revealed without credentials');
  t.equal((await get(`${url}/healthz/`)).status, 401, 'only the route itself is public');
  t.equal((await get(`${url}/nope`, { headers: basic('alice', 'wonder land:1') })).status, 404);
});

t.test('publicRoutes can be changed', async (t) => {
  const { url } = await serve(t, pki.dir, users, { publicRoutes: ['/metrics'] });
  t.equal((await get(`${url}/metrics`)).status, 200);
  t.equal((await get(`${url}/healthz`)).status, 401);
});

t.test('scrapers arriving together with the same credentials share one bcrypt', async (t) => {
  const { calls, compare } = countingCompare();
  const { url } = await serve(t, pki.dir, users, { compare });
  const all = await Promise.all(Array.from({ length: 6 }, () => get(`${url}/metrics`, { headers: basic('alice', 'wonder land:1') })));
  t.same(
    all.map((r) => r.status),
    [200, 200, 200, 200, 200, 200],
  );
  t.equal(calls.length, 1);
});

t.test('http_server_config.headers are on every response: served, refused, public, and written by a hijacked route', async (t) => {
  const { url } = await serve(
    t,
    pki.dir,
    `${users}http_server_config:\n  headers:\n    X-Frame-Options: deny\n    X-Content-Type-Options: nosniff\n    Strict-Transport-Security: max-age=31536000\n`,
  );
  const creds = basic('alice', 'wonder land:1');
  for (const [path, headers, status] of [
    ['/metrics', creds, 200],
    ['/metrics', {}, 401],
    ['/healthz', {}, 200],
    ['/raw', creds, 200],
  ] as const) {
    const res = await get(`${url}${path}`, { headers });
    t.equal(res.status, status, path);
    t.equal(res.headers['x-frame-options'], 'deny', `${path} ${status}`);
    t.equal(res.headers['x-content-type-options'], 'nosniff');
    t.equal(res.headers['strict-transport-security'], 'max-age=31536000');
  }
});

t.test('rate_limit: a token bucket of `burst` requests refilled one per interval; 429 with Retry-After; /healthz exempt', async (t) => {
  const { url } = await serve(t, pki.dir, 'rate_limit:\n  interval: 1h\n  burst: 2\nhttp_server_config:\n  headers:\n    X-Frame-Options: sameorigin\n');
  t.equal((await get(`${url}/metrics`)).status, 200);
  t.equal((await get(`${url}/metrics`)).status, 200);
  const limited = await get(`${url}/metrics`);
  t.equal(limited.status, 429);
  t.ok(Number(limited.headers['retry-after']) > 3000, 'about an hour');
  t.equal(limited.headers['x-frame-options'], 'sameorigin', 'headers on limited responses too');
  t.equal((await get(`${url}/healthz`)).status, 200, 'a liveness probe is never turned away');
});

t.test('BasicAuth: the cache holds successes only, least recently used first out', async (t) => {
  const { calls, compare } = countingCompare();
  const auth = new BasicAuth(
    new Map([
      ['alice', new Secret(aliceHash)],
      ['bob', new Secret(bobHash)],
    ]),
    { compare, cacheSize: 1 },
  );
  const header = (u: string, p: string) => basic(u, p).authorization;
  t.equal(await auth.authenticate(header('alice', 'wonder land:1')), 'alice');
  t.equal(await auth.authenticate(header('alice', 'wonder land:1')), 'alice');
  t.equal(calls.length, 1);
  t.equal(await auth.authenticate(header('bob', 'builder')), 'bob');
  t.equal(await auth.authenticate(header('alice', 'wonder land:1')), 'alice');
  t.equal(calls.length, 3, 'bob pushed alice out of a cache of one');
  t.equal(await auth.authenticate(header('alice', 'nope')), undefined);
  t.equal(await auth.authenticate(header('alice', 'wonder land:1')), 'alice');
  t.equal(calls.length, 4, 'a failure did not push alice out');
});

t.test('a Go hash whose salt has non-canonical trailing bits still matches', async (t) => {
  // The 22nd salt character carries 2 spare bits; Go ignores them, bcryptjs would not.
  const alphabet = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const last = alphabet.indexOf(aliceHash[28]!);
  const odd = `${aliceHash.slice(0, 28)}${alphabet[last | 1]}${aliceHash.slice(29)}`;
  t.not(odd, aliceHash);
  const { url } = await serve(t, pki.dir, `basic_auth_users:\n  alice: "${odd}"\n`);
  t.equal((await get(`${url}/metrics`, { headers: basic('alice', 'wonder land:1') })).status, 200);
});
