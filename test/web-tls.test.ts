import t from 'tap';
import Fastify from 'fastify';
import { Pki } from './web-fixtures/pki.js';
import { get, handshake, serve } from './web-fixtures/serve.js';
import { captureLogger } from './helpers/log.js';
import { parseWebConfig } from '../src/web/config.js';
import { createWebSecurity } from '../src/web/security.js';

const pki = new Pki('web-tls-');
t.teardown(() => pki.remove());
pki.issue('server', { cn: 'server-1', san: 'IP:127.0.0.1,DNS:localhost' });
const ca = pki.read(pki.ca);
const good = pki.issue('client-good', { cn: 'scraper', san: 'DNS:scraper.example,IP:::1' });
const stranger = pki.issue('client-other-ca', { cn: 'stranger', by: 'other', san: 'DNS:scraper.example' });
const selfSigned = pki.issue('client-self', { cn: 'selfie', by: 'self' });
const clients = {
  none: {},
  good: { cert: pki.read(good.cert), key: pki.read(good.key) },
  otherCa: { cert: pki.read(stranger.cert), key: pki.read(stranger.key) },
  selfSigned: { cert: pki.read(selfSigned.cert), key: pki.read(selfSigned.key) },
};

/** Relative names: they resolve against the web config file's directory, pki.dir. */
const tlsYaml = (extra = '') => `tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n${extra}`;

t.test('serves the configured certificate over HTTPS, verified against the test CA', async (t) => {
  const { url, port, log } = await serve(t, pki.dir, tlsYaml());
  const res = await get(`${url}/metrics`, { ca });
  t.equal(res.status, 200);
  t.equal(res.body, 'up 1\n');
  const hs = await handshake(port, { ca });
  t.equal(hs.cert.subject.CN, 'server-1');
  t.equal(hs.protocol, 'TLSv1.3', 'TLS 1.3 is the default maximum');
  await t.rejects(get(`${url}/metrics`), { message: /self-signed|issuer|unable to verify/i }, 'a client that does not trust the CA refuses it');
  t.match(log.text(), /"msg":"TLS is enabled"/);
  t.match(log.text(), /"CN=server-1"|CN=server-1/);
});

t.test('min_version TLS13 refuses a TLS 1.2-only client; max_version TLS12 caps the protocol', async (t) => {
  const strict = await serve(t, pki.dir, tlsYaml('  min_version: TLS13\n'));
  await t.rejects(handshake(strict.port, { ca, maxVersion: 'TLSv1.2' }), { message: /protocol version/i });
  t.equal((await handshake(strict.port, { ca })).protocol, 'TLSv1.3');

  const capped = await serve(t, pki.dir, tlsYaml('  max_version: TLS12\n'));
  t.equal((await handshake(capped.port, { ca })).protocol, 'TLSv1.2');
  t.equal((await get(`${capped.url}/metrics`, { ca })).status, 200);
});

t.test('TLS 1.2 refuses a TLS 1.1 client by default, as exporter-toolkit (min_version TLS12)', async (t) => {
  const { port } = await serve(t, pki.dir, tlsYaml());
  await t.rejects(handshake(port, { ca, minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' }), { message: /protocol version/i });
});

t.test('min_version TLS10 is honoured although OpenSSL 3 refuses TLS 1.0 at its default security level', async (t) => {
  const { port, log } = await serve(t, pki.dir, tlsYaml('  min_version: TLS10\n'));
  const hs = await handshake(port, { ca, minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' });
  t.equal(hs.protocol, 'TLSv1');
  t.match(log.text(), /TLS 1.0 and 1.1 are allowed/);
});

t.test('cipher_suites (Go names) restrict TLS 1.2; curve_preferences are accepted', async (t) => {
  const { port } = await serve(
    t,
    pki.dir,
    tlsYaml('  max_version: TLS12\n  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]\n  curve_preferences: [CurveP384, X25519]\n'),
  );
  t.equal((await handshake(port, { ca })).cipher, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384');
  await t.rejects(
    handshake(port, { ca, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' }),
    { message: /handshake failure|no shared cipher/i },
    'a client without that suite gets no handshake',
  );
});

type ClientName = keyof typeof clients;

/** How a client sees a refusal: a TLS 1.3 alert from OpenSSL, or the connection closed right after the handshake. */
const REFUSED = { message: /socket hang up|certificate required|ECONNRESET/i };

/** For each client auth type, which clients Go's crypto/tls lets through. */
const matrix: Array<{ type: string; ca: boolean; accepted: ClientName[]; refused: ClientName[] }> = [
  { type: 'NoClientCert', ca: false, accepted: ['none', 'good', 'otherCa', 'selfSigned'], refused: [] },
  { type: 'RequestClientCert', ca: true, accepted: ['none', 'good', 'otherCa', 'selfSigned'], refused: [] },
  { type: 'RequireAnyClientCert', ca: false, accepted: ['good', 'otherCa', 'selfSigned'], refused: ['none'] },
  { type: 'VerifyClientCertIfGiven', ca: true, accepted: ['none', 'good'], refused: ['otherCa', 'selfSigned'] },
  { type: 'RequireAndVerifyClientCert', ca: true, accepted: ['good'], refused: ['none', 'otherCa', 'selfSigned'] },
];

for (const { type, ca: withCa, accepted, refused } of matrix) {
  t.test(`client_auth_type ${type}: accepts ${accepted.join(', ')}${refused.length ? `; refuses ${refused.join(', ')}` : ''}`, async (t) => {
    const { url, log } = await serve(t, pki.dir, tlsYaml(`  client_auth_type: ${type}\n${withCa ? '  client_ca_file: ca.pem\n' : ''}`));
    for (const name of accepted) {
      const res = await get(`${url}/metrics`, { ca, ...clients[name] });
      t.equal(res.status, 200, `${name}: accepted`);
    }
    for (const name of refused) {
      await t.rejects(get(`${url}/metrics`, { ca, ...clients[name] }), REFUSED, `${name}: connection refused`);
      await t.rejects(get(`${url}/healthz`, { ca, ...clients[name] }), REFUSED, `${name}: /healthz is behind TLS too`);
    }
    if (refused.length && type !== 'RequireAndVerifyClientCert') t.match(log.text(), /client certificate refused/, 'refusals are logged');
  });
}

t.test('client_allowed_sans: a verified client certificate must carry one of the names (IPs as Go writes them)', async (t) => {
  const byDns = await serve(
    t,
    pki.dir,
    tlsYaml('  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n  client_allowed_sans: [scraper.example]\n'),
  );
  t.equal((await get(`${byDns.url}/metrics`, { ca, ...clients.good })).status, 200);

  const byIp = await serve(t, pki.dir, tlsYaml('  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n  client_allowed_sans: ["::1"]\n'));
  t.equal((await get(`${byIp.url}/metrics`, { ca, ...clients.good })).status, 200, 'IPv6 SAN matched in its short form');

  const other = await serve(
    t,
    pki.dir,
    tlsYaml('  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n  client_allowed_sans: [prometheus.example]\n'),
  );
  await t.rejects(get(`${other.url}/metrics`, { ca, ...clients.good }), REFUSED);
  t.match(other.log.text(), /none of client_allowed_sans \(it has: scraper.example, ::1\)/);

  const anyCert = await serve(t, pki.dir, tlsYaml('  client_auth_type: RequireAnyClientCert\n  client_allowed_sans: [scraper.example]\n'));
  t.equal((await get(`${anyCert.url}/metrics`, { ca, ...clients.otherCa })).status, 200, 'RequireAnyClientCert: SAN checked, chain not');
  await t.rejects(get(`${anyCert.url}/metrics`, { ca, ...clients.selfSigned }), REFUSED, 'no matching SAN');
});

t.test('the request-time check holds even if attach() was never called', async (t) => {
  const log = captureLogger('debug');
  const config = parseWebConfig(tlsYaml('  client_auth_type: RequireAnyClientCert\n'), { baseDir: pki.dir });
  const security = createWebSecurity(config, log.log);
  const app = Fastify({ https: security.https! });
  app.addHook('onRequest', security.onRequest);
  app.get('/metrics', async () => 'up 1\n');
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  const url = `https://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  await t.rejects(get(`${url}/metrics`, { ca }), REFUSED, 'no certificate: dropped at the first request');
  t.equal((await get(`${url}/metrics`, { ca, ...clients.selfSigned })).status, 200);
});

t.test('attach() refuses a plain HTTP server when the web config enables TLS', async (t) => {
  const security = createWebSecurity(parseWebConfig(tlsYaml(), { baseDir: pki.dir }), captureLogger().log);
  const app = Fastify();
  t.throws(() => security.install(app), /enables TLS but the server is plain HTTP/);
  await app.close();
});
