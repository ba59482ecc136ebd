import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { adminPassword, byLabel, startGnocchi, startSim } from './helpers/gnocchi-setup.js';

/** A private CA and a certificate for 127.0.0.1 signed by it, made with openssl. */
function makeCerts(dir: string) {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Test CA']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  run(['x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '2', '-extfile', 'ext.cnf']);
  return { ca: join(dir, 'ca.pem'), key: readFileSync(join(dir, 'srv.key')), cert: readFileSync(join(dir, 'srv.pem')) };
}

/** HTTPS in front of a loopback HTTP simulator, as a TLS-terminating load balancer would be. */
async function tlsFront(upstream: string, key: Buffer, cert: Buffer): Promise<{ url: string; server: Server }> {
  const server = createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = { ...req.headers };
      delete headers.host;
      request(`${upstream}${req.url}`, { method: req.method as 'GET', headers, body: chunks.length ? Buffer.concat(chunks) : undefined })
        .then(async (up) => {
          const out = { ...up.headers };
          delete out['transfer-encoding'];
          res.writeHead(up.statusCode, out as Record<string, string>);
          res.end(Buffer.from(await up.body.arrayBuffer()));
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

t.test('Keystone and Gnocchi over HTTPS: private CA via tls.caFile, or insecureSkipVerify; refused otherwise', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gnocchi-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const { ca, key, cert } = makeCerts(dir);
  const sim = await startSim(t);
  const keystone = await tlsFront(sim.keystone.url, key, cert);
  const gnocchi = await tlsFront(sim.baseUrl, key, cert);
  t.teardown(() => {
    keystone.server.close();
    gnocchi.server.close();
  });
  sim.keystone.setEndpoints('metric', 'gnocchi', [{ interface: 'public', region: 'RegionOne', url: gnocchi.url }]);
  const auth = adminPassword(sim);
  (auth.keystone as Record<string, unknown>).url = `${keystone.url}/v3`;

  const withCa = await startGnocchi(t, sim, { auth, tls: { caFile: ca } });
  t.same(withCa.errors(), []);
  t.same(byLabel(await withCa.samples(), 'gnocchi_provisioned_vcpus'), sim.liveVcpusByProject(), 'verified against the private CA');

  const insecure = await startGnocchi(t, sim, { auth, tls: { insecureSkipVerify: true } });
  t.same(insecure.errors(), []);
  t.same(byLabel(await insecure.samples(), 'gnocchi_provisioned_vcpus'), sim.liveVcpusByProject(), 'like curl -k');
  t.match(insecure.logText(), /TLS certificate verification is disabled/);

  const strict = await startGnocchi(t, sim, { auth });
  t.match(strict.errors().join('\n'), /\/v3\/auth\/tokens: .*(certificate|self.signed|issuer)/i, 'an unknown CA is refused');
});
