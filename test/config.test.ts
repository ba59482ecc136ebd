import t from 'tap';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfigFile, parseConfig } from '../src/config/load.js';
import { exampleConfig } from '../src/config/example.js';
import { sources } from '../src/sources/registry.js';
import { fakeSource } from './helpers/fake-source.js';

const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
const reg = [fakeSource];

function catchProblems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

function problems(raw: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(raw, reg, { env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

t.test('defaults and durations', async (t) => {
  const c = parseConfig({ fake: [{ baseUrl: 'http://x', auth: { token: 'abcd' } }] }, reg, { env: {} });
  t.equal(c.server.port, 10064);
  t.equal(c.server.host, '0.0.0.0');
  t.equal(c.log.level, 'info');
  t.equal(c.collection.maxStaleness, 0, '"" means 3 intervals, resolved per target');
  t.equal(c.collection.startupJitter, 5000);
  const target = c.targets[0]!.config;
  t.equal(target.name, 'fake', 'name defaults to the kind');
  t.equal(target.interval, 60_000);
  t.equal(target.timeout, 30_000);
  t.equal(target.concurrency, 8);
  t.equal(target.requestsPerSecond, 0);
  t.equal(target.retries, 3);
  t.equal(target.maxResponseBytes, 32 * 1024 * 1024);
  t.same(target.tls, { caFile: '', insecureSkipVerify: false });
  const c2 = parseConfig({ fake: [{ baseUrl: 'http://x', interval: '1h30m', timeout: '250ms', auth: { token: 'abcd' } }] }, reg, { env: {} });
  t.equal(c2.targets[0]!.config.interval, 5_400_000);
  t.equal(c2.targets[0]!.config.timeout, 250);
});

t.test('environment overrides', async (t) => {
  const c = parseConfig({}, reg, { env: { CAPACITY_EXPORTER_PORT: '9999', CAPACITY_EXPORTER_LOG_LEVEL: 'debug' } });
  t.equal(c.server.port, 9999);
  t.equal(c.log.level, 'debug');
  t.match(problems({}, { CAPACITY_EXPORTER_PORT: 'abc' }).join('\n'), /server\.port/);
});

t.test('every problem is reported with its key path', async (t) => {
  const p = problems({
    bogus: 1,
    server: { port: 'x', extra: true },
    log: { level: 'loud' },
    collection: { maxStaleness: '300' },
    fake: [
      { baseUrl: 'http://x', interval: 'soon', auth: { token: 'abcd' }, color: 'red' },
      { name: 'a', baseUrl: 'not a url', auth: { token: 'abcd' } },
      { name: 'a', baseUrl: 'http://y', auth: { token: 'abcd' } },
      { name: 'b', auth: { token: 'abcd' } },
    ],
  });
  const text = p.join('\n');
  t.match(text, /bogus: unknown key/);
  t.match(text, /server\.extra: unknown key/);
  t.match(text, /server\.port:/);
  t.match(text, /log\.level:/);
  t.match(text, /collection\.maxStaleness: must be a duration/, 'a bare number is not a duration');
  t.match(text, /fake\[0\]\.interval: must be a duration/);
  t.match(text, /fake\[0\]\.color: unknown key/);
  t.match(text, /fake\[1\]\.baseUrl:/);
  t.match(text, /fake\[2\]\.name: duplicate target name "a"/);
  t.match(text, /fake\[3\]\.baseUrl: is required/);
});

t.test('secret files', async (t) => {
  const file = join(dir, 'token');
  writeFileSync(file, 'token-from-file\n');
  const c = parseConfig({ fake: [{ baseUrl: 'http://x', auth: { tokenFile: file } }] }, reg, { env: {} });
  t.equal((c.targets[0]!.config.auth as { token: string }).token, 'token-from-file', 'trailing newline dropped');
  t.match(
    problems({ fake: [{ baseUrl: 'http://x', auth: { token: 'inline-secret', tokenFile: file } }] }).join(),
    /fake\[0\]\.auth\.token: give either token or tokenFile, not both/,
  );
  const missing = problems({ fake: [{ baseUrl: 'http://x', auth: { tokenFile: join(dir, 'nope') } }] }).join();
  t.match(missing, /fake\[0\]\.auth\.tokenFile: cannot read .*nope: ENOENT/);
  writeFileSync(join(dir, 'empty'), '');
  t.match(problems({ fake: [{ baseUrl: 'http://x', auth: { tokenFile: join(dir, 'empty') } }] }).join(), /tokenFile: .* is empty/);
  t.match(
    problems({ fake: [{ baseUrl: 'http://x', tls: { caFile: join(dir, 'nope.pem') }, auth: { token: 'abcd' } }] }).join(),
    /fake\[0\]\.tls\.caFile: cannot read/,
  );
});

t.test('a secret value never appears in a problem', async (t) => {
  const p = problems({ server: { auth: { bearerToken: 12345678 } }, fake: [{ baseUrl: 'http://x', auth: { token: ['super-secret-value'] } }] }).join('\n');
  t.match(p, /server\.auth\.bearerToken/);
  t.notMatch(p, /12345678/);
  t.notMatch(p, /super-secret-value/);
});

t.test('config files: bad JSON, unreadable, _doc keys ignored', async (t) => {
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"server": ');
  t.match(
    catchProblems(() => loadConfigFile(bad, reg)),
    [/is not valid JSON/],
  );
  t.match(
    catchProblems(() => loadConfigFile(join(dir, 'absent.json'), reg)),
    [/cannot read .*ENOENT/],
  );
  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify({ _doc: 'comment', server: { _doc: { port: 'the port' }, port: 1234 } }));
  t.equal(loadConfigFile(good, reg, { env: {} }).server.port, 1234);
  t.same(
    catchProblems(() => parseConfig([], reg)),
    ['(root): must be a JSON object'],
  );
});

t.test('config.example.json holds every key of every source kind', async (t) => {
  const file = JSON.parse(readFileSync(new URL('../config.example.json', import.meta.url), 'utf8')) as unknown;
  t.same(file, JSON.parse(JSON.stringify(exampleConfig(sources))), 'regenerate with: node dist/main.js --example-config > config.example.json');
});
