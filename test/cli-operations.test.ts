import t, { type Test } from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import bcrypt from 'bcryptjs';
import { HEAP_NODE_OPTIONS, MALLOC_ENV, mallocTuned } from '../src/heap.js';
import { createLogger } from '../src/log.js';
import { demos } from '../src/simulator/demos.js';
import { find, parseExposition } from './helpers/exposition.js';
import { freePort, spawnLogged, until, waitForOutput } from './helpers/processes.js';
import { Pki } from './web-fixtures/pki.js';

// The operator's commands as shipped: the compiled dist/main.js and dist/demo.js (`npm test` builds first).
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const demoJs = fileURLToPath(new URL('../dist/demo.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cli-ops-'));
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CAPACITY_EXPORTER_')));

function run(args: string[]) {
  return spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env, timeout: 60_000 });
}

/** As run(), without blocking this process, whose simulators the command talks to. */
function runAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [main, ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** An Astakos demo world to point targets at; closed when the test ends. */
async function astakosWorld(t: Test) {
  const world = await demos.astakos!({ seed: 42, log: createLogger({ level: 'silent' }), faults: {} });
  t.teardown(() => world.close());
  return world.target;
}

t.test('--help prints the usage of the daemon and of once, exit 0; the demo has its own', async (t) => {
  const help = run(['--help']);
  t.equal(help.status, 0);
  t.match(help.stdout, /usage: capacity-exporter \[--config FILE\]/);
  t.match(help.stdout, /capacity-exporter once/);
  t.match(help.stdout, /SIGHUP reloads the config/);
  t.equal(run(['once', '--help']).status, 0);
  const demo = spawnSync(process.execPath, [demoJs, '--help'], { encoding: 'utf8', env });
  t.equal(demo.status, 0);
  t.match(demo.stdout, /usage: node dist\/demo\.js/);
  const bad = spawnSync(process.execPath, [demoJs, '--colour'], { encoding: 'utf8', env });
  t.equal(bad.status, 2);
  t.match(bad.stderr, /Unknown option '--colour'[\s\S]*usage: node dist\/demo\.js/);
  t.notMatch(bad.stderr, /\bat \w+ \(/, 'no stack trace');
  const rate = spawnSync(process.execPath, [demoJs, '--error-rate', '2'], { encoding: 'utf8', env });
  t.equal(rate.status, 2);
  t.match(rate.stderr, /--error-rate must be a number from 0 to 1, not "2"/);
});

t.test('once: one cycle per target, the exposition or a table, exit 0 only if all succeeded', async (t) => {
  const target = await astakosWorld(t);
  const good = file('once-good.json', { astakos: [target] });
  const prom = await runAsync(['once', '--config', good]);
  t.equal(prom.status, 0, prom.stderr);
  const samples = parseExposition(prom.stdout);
  t.ok(find(samples, 'astakos_quota_limit', { target: 'synnefo' }).length > 0, 'the exposition of the target');
  t.same(find(samples, 'capacity_exporter_collect_success'), [], 'only source series: the self-metrics belong to a running exporter');
  t.equal(prom.stderr, '', 'nothing logged at warn and above when all goes well');

  const dead = `http://127.0.0.1:${await freePort()}/account/v1.0`;
  const mixed = file('once-mixed.json', { astakos: [target, { ...target, name: 'down', baseUrl: dead, identityUrl: '', timeout: '2s' }] });
  const table = await runAsync(['once', '--config', mixed, '--format', 'table']);
  t.equal(table.status, 1, 'one target failed');
  const lines = table.stdout.trimEnd().split('\n');
  t.match(lines[0], /^TARGET\s+RESULT\s+DURATION\s+SERIES\s+ERRORS$/);
  t.match(lines[1], /^astakos\/synnefo\s+ok\s+\d+\.\d\ds\s+\d+$/);
  t.match(lines[2], /^astakos\/down\s+failed\s+\d+\.\d\ds\s+0\s+.*ECONNREFUSED/);

  const one = await runAsync(['once', '--config', mixed, '--target', 'astakos/synnefo', '--format', 'table']);
  t.equal(one.status, 0, 'the named target only');
  t.equal(one.stdout.trimEnd().split('\n').length, 2);
  const unknown = run(['once', '--config', mixed, '--target', 'astakos/nope']);
  t.equal(unknown.status, 2);
  t.match(unknown.stderr, /--target: no target astakos\/nope; the config has astakos\/synnefo, astakos\/down/);
  t.equal(run(['once', '--config', mixed, '--format', 'yaml']).status, 2);
});

t.test('the daemon warns when node was started without the heap flags or the malloc settings, and only then', async (t) => {
  const target = await astakosWorld(t);
  const cfg = file('heap.json', { server: { host: '127.0.0.1' }, astakos: [target] });
  const untuned = Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('MALLOC_') && name !== 'GLIBC_TUNABLES'));
  // As npm start and the bin's shebang start it; tap sets NODE_OPTIONS of its own in every child.
  const started = async (nodeFlags: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
    const p = spawnLogged(process.execPath, [...nodeFlags, main, '--config', cfg, '--port', '0', '--log-format', 'json'], { ...untuned, ...extraEnv });
    await waitForOutput(p, /"msg":"capacity-exporter listening"/);
    t.equal(await p.stop(), 0);
    return p.output();
  };
  const bare = await started([]);
  t.match(bare, /"level":40,[^\n]*"nodeOptions":"--max-semi-space-size=16"[^\n]*set NODE_OPTIONS=--max-semi-space-size=16/);
  if (mallocTuned({})) t.notMatch(bare, /MALLOC_ARENA_MAX/, 'nothing to set up under musl');
  else
    t.match(bare, /"level":40,[^\n]*"env":"MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=131072 MALLOC_TRIM_THRESHOLD_=33554432"[^\n]*set them in its environment/);
  t.notMatch(await started([HEAP_NODE_OPTIONS], MALLOC_ENV), /max-semi-space-size|MALLOC_ARENA_MAX/, 'no warning with both');
});

t.test('SIGHUP reloads the config file; a bad file is refused and logged', async (t) => {
  const target = await astakosWorld(t);
  const cfg = file('hup.json', { server: { host: '127.0.0.1' }, astakos: [target] });
  const p = spawnLogged(process.execPath, [main, '--config', cfg, '--port', '0', '--log-format', 'json'], env);
  t.teardown(() => p.stop());
  const url = (await waitForOutput(p, /"url":"(http:[^"]+)"/))[1]!;
  const targets = async () => {
    const res = await request(`${url}/metrics`);
    return new Set(find(parseExposition(await res.body.text()), 'capacity_exporter_collect_interval_seconds').map((s) => s.labels.target));
  };
  await until(
    'first cycle',
    async () => {
      const res = await request(`${url}/readyz`);
      await res.body.dump();
      return res.statusCode === 200 ? true : undefined;
    },
    20_000,
  );

  writeFileSync(cfg, JSON.stringify({ server: { host: '127.0.0.1' }, astakos: [target, { ...target, name: 'second' }] }));
  process.kill(p.child.pid!, 'SIGHUP');
  await waitForOutput(p, /"msg":"configuration reloaded"/);
  t.same([...(await targets())].sort(), ['second', 'synnefo'], 'the new target runs');

  writeFileSync(cfg, '{ "astakos": [ ');
  process.kill(p.child.pid!, 'SIGHUP');
  await waitForOutput(p, /"msg":"configuration reload failed; the previous configuration keeps running"/);
  t.match(p.output(), /is not valid JSON/);
  const res = await request(`${url}/metrics`);
  const text = await res.body.text();
  t.equal(find(parseExposition(text), 'capacity_exporter_config_last_reload_successful')[0]?.value, 0);
  t.same([...(await targets())].sort(), ['second', 'synnefo'], 'still running the previous config');
  t.equal(await p.stop(), 0, 'SIGTERM still stops it cleanly');
});

t.test('--web.config.file: TLS with a CA made now and a bcrypt user; server.auth beside it is refused', async (t) => {
  const pki = new Pki('cli-web-');
  const server = pki.issue('server', { cn: '127.0.0.1', san: 'IP:127.0.0.1' });
  const hash = bcrypt.hashSync('prometheus-password', 4);
  const web = file('web.yml', `tls_server_config:\n  cert_file: ${server.cert}\n  key_file: ${server.key}\nbasic_auth_users:\n  prometheus: ${hash}\n`);
  const cfg = file('web.json', { server: { host: '127.0.0.1' } });

  const check = run(['--check-config', '--config', cfg, '--web.config.file', web]);
  t.equal(check.status, 0, check.stderr);
  t.match(check.stdout, /web configuration is valid/);
  const both = run(['--check-config', '--config', file('both.json', { server: { auth: { bearerToken: 'abcdefgh' } } }), '--web.config.file', web]);
  t.equal(both.status, 2);
  t.match(both.stderr, /server\.auth: the --web\.config\.file already sets basic_auth_users/);
  const broken = run(['--check-config', '--config', cfg, '--web.config.file', file('broken.yml', 'tls_server_config:\n  cert_file: /nonexistent.pem\n')]);
  t.equal(broken.status, 2);
  t.match(broken.stderr, /tls_server_config/);

  const port = await freePort();
  const p = spawnLogged(process.execPath, [main, '--config', cfg, '--web.config.file', web, '--port', String(port), '--log-format', 'json'], env);
  t.teardown(() => p.stop());
  await waitForOutput(p, /"url":"https:\/\/127\.0\.0\.1:\d+"/);
  const dispatcher = new Agent({ connect: { ca: readFileSync(pki.ca) } });
  t.teardown(() => dispatcher.close());
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await request(`https://127.0.0.1:${port}${path}`, { dispatcher, headers });
    await res.body.dump();
    return res.statusCode;
  };
  const basic = (pw: string) => ({ authorization: `Basic ${Buffer.from(`prometheus:${pw}`).toString('base64')}` });
  t.equal(await get('/metrics'), 401, 'no password');
  t.equal(await get('/metrics', basic('wrong')), 401);
  t.equal(await get('/metrics', basic('prometheus-password')), 200);
  t.equal(await get('/healthz'), 200, 'health needs no password');
  await t.rejects(request(`https://127.0.0.1:${port}/healthz`), 'a client that does not trust the CA is refused');
});
