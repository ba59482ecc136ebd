import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

// The CLI is tested as shipped: the compiled dist/main.js (`npm test` builds first).
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cli-'));
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CAPACITY_EXPORTER_')));

function run(args: string[], extraEnv: Record<string, string> = {}) {
  return spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...env, ...extraEnv } });
}

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

t.test('--check-config: 0 when valid', async (t) => {
  const r = run(['--check-config', '--config', file('ok.json', { server: { port: 1234 } })]);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /configuration is valid/);
});

t.test('--check-config: 2 and every problem when invalid', async (t) => {
  const r = run(['--check-config', '--config', file('bad.json', { server: { port: -1, nope: 1 }, log: { level: 'chatty' } })]);
  t.equal(r.status, 2);
  t.match(r.stderr, /server\.port/);
  t.match(r.stderr, /server\.nope: unknown key/);
  t.match(r.stderr, /log\.level/);
});

t.test('the config path comes from CAPACITY_EXPORTER_CONFIG', async (t) => {
  const r = run(['--check-config'], { CAPACITY_EXPORTER_CONFIG: file('env.json', {}) });
  t.equal(r.status, 0, r.stderr);
  const missing = run(['--check-config', '--config', join(dir, 'missing.json')]);
  t.equal(missing.status, 2);
  t.match(missing.stderr, /cannot read .*missing\.json: ENOENT/);
});

t.test('bad flags exit 2 with usage', async (t) => {
  const r = run(['--frobnicate']);
  t.equal(r.status, 2);
  t.match(r.stderr, /usage: capacity-exporter/);
  const lf = run(['--check-config', '--log-format', 'xml', '--config', file('lf.json', {})]);
  t.equal(lf.status, 2);
  t.match(lf.stderr, /--log-format: must be one of/);
});

t.test('--version and --example-config', async (t) => {
  t.match(run(['--version']).stdout, /^\d+\.\d+\.\d+/);
  const ex = run(['--example-config']);
  t.equal(ex.status, 0);
  const cfg = JSON.parse(ex.stdout) as { server: { port: number } };
  t.equal(cfg.server.port, 10064);
});

t.test('serves on --port, logs JSON, exits 0 on SIGTERM', async (t) => {
  const child = spawn(
    process.execPath,
    [main, '--config', file('run.json', { server: { host: '127.0.0.1' } }), '--port', '0', '--log-level', 'debug', '--log-format', 'json'],
    { env },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${out}`)), 10_000);
    child.stdout.on('data', () => {
      const m = /"url":"(http:[^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  const res = await request(`${url}/healthz`);
  t.equal(res.statusCode, 200);
  await res.body.dump();
  const started = Date.now();
  const code = await new Promise<number | null>((resolve) => {
    child.on('exit', (c) => resolve(c));
    child.kill('SIGTERM');
  });
  t.equal(code, 0);
  t.ok(Date.now() - started < 10_000, 'within 10 s');
  t.match(out, /"msg":"shutting down"/);
  t.match(out, /"msg":"capacity-exporter stopped"/);
});
