import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfig } from '../src/config/load.js';
import { createLogger } from '../src/log.js';
import { demos } from '../src/simulator/demos.js';
import astakos from '../src/sources/astakos/index.js';
import type { AstakosTarget } from '../src/sources/astakos/config.js';
import { identityUrl } from '../src/sources/astakos/collector.js';
import { scrape } from './helpers/exposition.js';
import { startReadyExporter } from './helpers/start.js';

function problems(target: Record<string, unknown>): string[] {
  try {
    parseConfig({ astakos: [{ baseUrl: 'https://accounts.example/account/v1.0', ...target }] }, [astakos], { env: {} });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

t.test('defaults, and service tokens read from files', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'astakos-'));
  writeFileSync(join(dir, 'cyclades'), 'service-token-from-file\n');
  const c = parseConfig(
    { astakos: [{ baseUrl: 'https://accounts.example/account/v1.0', auth: { serviceTokens: [{ tokenFile: join(dir, 'cyclades') }, { token: 'inline-service-token' }] } }] },
    [astakos],
    { env: {} },
  );
  const target = c.targets[0]!.config as AstakosTarget;
  t.same(target.auth.serviceTokens.map((s) => s.token), ['service-token-from-file', 'inline-service-token']);
  t.equal(target.auth.token, '');
  t.equal(target.holder, 'self');
  t.same(target.users, []);
  t.equal(target.discoveryInterval, 3_600_000);
  t.equal(target.interval, 60_000);
});

t.test('problems name their key', async (t) => {
  t.match(problems({ auth: {} }), [/^astakos\[0\]\.auth: give a user token/]);
  t.match(problems({ auth: { serviceTokens: [{ token: 'same-token' }, { token: 'same-token' }] } }), [/auth\.serviceTokens\[1\]\.token: is the same token as serviceTokens\[0\]/]);
  t.match(problems({ auth: { serviceTokens: [{}] } }), [/auth\.serviceTokens\[0\]\.token: is required/]);
  t.match(problems({ auth: { serviceTokens: [{ token: 'x', secret: 'y' }] } }), [/auth\.serviceTokens\[0\]\.secret: unknown key/]);
  t.match(problems({ users: ['u1'], auth: { token: 'user-token' } }), [/^astakos\[0\]\.users: only applies to serviceTokens/]);
  t.match(problems({ discoveryInterval: 'soon', auth: { token: 'user-token' } }), [/astakos\[0\]\.discoveryInterval/]);
  t.same(problems({ auth: { token: 'user-token' } }), []);
});

t.test('identity URL: derived beside /account/v1.0, none for the draft API, or as configured', async (t) => {
  t.equal(identityUrl({ baseUrl: 'https://accounts.example/account/v1.0/', identityUrl: '' }), 'https://accounts.example/identity/v2.0');
  t.equal(identityUrl({ baseUrl: 'https://accounts.example/astakos/api', identityUrl: '' }), undefined);
  t.equal(identityUrl({ baseUrl: 'https://a.example/astakos/api', identityUrl: 'https://id.example/v2.0' }), 'https://id.example/v2.0');
});

t.test('demo: a valid target whose world always has an exhausted quota and pending commissions', async (t) => {
  const setup = await demos.astakos!({ seed: 42, log: createLogger({ level: 'silent', format: 'json' }), faults: {} });
  const { exporter } = await startReadyExporter(t, { astakos: [setup.target] }, [astakos], setup);
  const { samples, text } = await scrape(exporter.url);
  t.equal(samples.find((s) => s.name === 'capacity_exporter_collect_success' && s.labels.source === 'astakos')?.value, 1);
  const limits = new Map(samples.filter((s) => s.name === 'astakos_quota_limit').map((s) => [JSON.stringify(s.labels), s.value]));
  const exhausted = samples.filter((s) => s.name === 'astakos_quota_usage' && (limits.get(JSON.stringify(s.labels)) ?? Infinity) > 0 && s.value >= limits.get(JSON.stringify(s.labels))!);
  t.ok(exhausted.length >= 1, 'usage >= limit somewhere');
  t.ok([...limits.values()].includes(Infinity), 'an unlimited quota');
  t.ok(samples.find((s) => s.name === 'astakos_pending_commissions')!.value > 0);
  t.match(text, /# TYPE astakos_quota_limit gauge/);
  t.match(text, /astakos_quota_limit\{target="synnefo",holder="[^"]+",source="[^"]+",resource="cyclades\.ram"\} \+Inf/);
});
