import t from 'tap';
import { copyFileSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pki } from './web-fixtures/pki.js';
import { get, handshake, serve } from './web-fixtures/serve.js';

const pki = new Pki('web-rotation-');
t.teardown(() => pki.remove());
const ca = pki.read(pki.ca);
const reload = { reload: { debounceMs: 50 } };

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Copies a certificate and key over the served files, as a renewal would (key first, then certificate). */
function install(dir: string, from: { cert: string; key: string }): void {
  writeFileSync(join(dir, 'server.key'), readFileSync(from.key));
  writeFileSync(join(dir, 'server.pem'), readFileSync(from.cert));
}

t.test('a renewed certificate is served to new connections without a restart; a broken one is refused and logged', async (t) => {
  const dir = join(pki.dir, 'rotating');
  mkdirSync(dir);
  const first = pki.issue('rot-1', { cn: 'rot-1', san: 'IP:127.0.0.1', serial: 4001 });
  const second = pki.issue('rot-2', { cn: 'rot-2', san: 'IP:127.0.0.1', serial: 4002 });
  const third = pki.issue('rot-3', { cn: 'rot-3', san: 'IP:127.0.0.1', serial: 4003 });
  install(dir, first);
  const { url, port, log } = await serve(t, dir, 'tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n', reload);
  const served = async () => (await handshake(port, { ca })).cert;
  t.equal((await served()).subject.CN, 'rot-1');

  install(dir, second);
  await until('rot-2 to be served', async () => (await served()).subject.CN === 'rot-2');
  t.equal(parseInt((await served()).serialNumber, 16), 4002, 'new serial');
  t.equal((await get(`${url}/metrics`, { ca })).status, 200);
  t.match(log.text(), /"msg":"TLS certificate reloaded"/);
  t.match(log.text(), /CN=rot-2/);

  writeFileSync(join(dir, 'server.pem'), 'not a certificate\n');
  await until('the error to be logged', () => /do not load/.test(log.text()));
  t.match(log.text(), /server\.pem holds no PEM certificate/);
  t.equal((await served()).subject.CN, 'rot-2', 'still the previous certificate');
  t.equal((await get(`${url}/metrics`, { ca })).status, 200);

  // A certificate whose key did not follow: refused whole, not half applied.
  writeFileSync(join(dir, 'server.pem'), readFileSync(third.cert));
  await until('the mismatch to be logged', () => /is not the private key of the certificate/.test(log.text()));
  t.equal((await served()).subject.CN, 'rot-2');
  const errors = log.lines().filter((l) => l.level === 50);
  t.equal(errors.length, 2, 'each broken state is logged once');
  t.notMatch(log.text(), /BEGIN (EC )?PRIVATE KEY/, 'no key material in the log');

  writeFileSync(join(dir, 'server.key'), readFileSync(third.key));
  await until('rot-3 to be served', async () => (await served()).subject.CN === 'rot-3');
});

t.test('Kubernetes secret volumes: the ..data symlink swap is followed', async (t) => {
  const dir = join(pki.dir, 'k8s');
  mkdirSync(dir);
  const v1 = pki.issue('k8s-1', { cn: 'k8s-1', san: 'IP:127.0.0.1' });
  const v2 = pki.issue('k8s-2', { cn: 'k8s-2', san: 'IP:127.0.0.1' });
  const version = (name: string, from: { cert: string; key: string }) => {
    mkdirSync(join(dir, name));
    copyFileSync(from.cert, join(dir, name, 'tls.crt'));
    copyFileSync(from.key, join(dir, name, 'tls.key'));
  };
  version('..v1', v1);
  symlinkSync('..v1', join(dir, '..data'));
  symlinkSync('..data/tls.crt', join(dir, 'tls.crt'));
  symlinkSync('..data/tls.key', join(dir, 'tls.key'));
  const { port } = await serve(t, dir, 'tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\n', reload);
  t.equal((await handshake(port, { ca })).cert.subject.CN, 'k8s-1');

  // What kubelet's atomic writer does: new directory, new link, renamed over ..data.
  version('..v2', v2);
  symlinkSync('..v2', join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  await until('k8s-2 to be served', async () => (await handshake(port, { ca })).cert.subject.CN === 'k8s-2');
});

t.test('a rotated client CA takes effect for new connections', async (t) => {
  const dir = join(pki.dir, 'client-ca');
  mkdirSync(dir);
  install(dir, pki.issue('cca-server', { cn: 'cca-server', san: 'IP:127.0.0.1' }));
  copyFileSync(pki.ca, join(dir, 'clients.pem'));
  const newClient = pki.issue('cca-client', { cn: 'client', by: 'other' });
  const client = { ca, cert: pki.read(newClient.cert), key: pki.read(newClient.key) };
  const { url } = await serve(
    t,
    dir,
    'tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: clients.pem\n',
    reload,
  );
  await t.rejects(get(`${url}/metrics`, client), 'a client of the other CA is refused');

  writeFileSync(join(dir, 'clients.pem'), Buffer.concat([readFileSync(pki.ca), readFileSync(pki.otherCa)]));
  await until('the other CA to be trusted', async () => (await get(`${url}/metrics`, client).catch(() => ({ status: 0 }))).status === 200);
});

t.test('reloadCertificates() re-reads on demand (e.g. on SIGHUP)', async (t) => {
  const dir = join(pki.dir, 'on-demand');
  mkdirSync(dir);
  install(dir, pki.issue('od-1', { cn: 'od-1', san: 'IP:127.0.0.1' }));
  const { security, port } = await serve(t, dir, 'tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n', {
    reload: { debounceMs: 60_000, pollMs: 0 },
  });
  t.equal(security.reloadCertificates(), 'unchanged');
  install(dir, pki.issue('od-2', { cn: 'od-2', san: 'IP:127.0.0.1' }));
  t.equal(security.reloadCertificates(), 'reloaded');
  t.equal((await handshake(port, { ca })).cert.subject.CN, 'od-2');
  writeFileSync(join(dir, 'server.key'), 'garbage');
  t.equal(security.reloadCertificates(), 'failed');
  t.equal((await handshake(port, { ca })).cert.subject.CN, 'od-2');
});
