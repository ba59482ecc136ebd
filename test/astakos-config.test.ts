import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/load.js';
import { createLogger } from '../src/log.js';
import { demos } from '../src/simulator/demos.js';
import astakos from '../src/sources/astakos/index.js';
import type { AstakosTarget } from '../src/sources/astakos/config.js';
import { identityUrl } from '../src/sources/astakos/collector.js';
import { startSource } from './helpers/source-harness.js';

t.test('defaults, and service tokens read from files', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'astakos-'));
  writeFileSync(join(dir, 'cyclades'), 'service-token-from-file\n');
  const c = parseConfig(
    {
      astakos: [
        {
          baseUrl: 'https://accounts.example/account/v1.0',
          auth: { serviceTokens: [{ tokenFile: join(dir, 'cyclades') }, { token: 'inline-service-token' }] },
        },
      ],
    },
    [astakos],
    { env: {} },
  );
  const target = c.targets[0]!.config as AstakosTarget;
  t.same(
    target.auth.serviceTokens.map((s) => s.token),
    ['service-token-from-file', 'inline-service-token'],
  );
  t.equal(target.auth.token, '');
  t.equal(target.holder, 'self');
  t.same(target.users, []);
  t.same(target.projects, []);
  t.equal(target.discoveryInterval, 3_600_000);
  t.equal(target.interval, 60_000);
});

t.test('identity URL: derived beside /account/v1.0, none for the draft API, or as configured', async (t) => {
  t.equal(identityUrl({ baseUrl: 'https://accounts.example/account/v1.0/', identityUrl: '' }), 'https://accounts.example/identity/v2.0');
  t.equal(identityUrl({ baseUrl: 'https://accounts.example/astakos/api', identityUrl: '' }), undefined);
  t.equal(identityUrl({ baseUrl: 'https://a.example/astakos/api', identityUrl: 'https://id.example/v2.0' }), 'https://id.example/v2.0');
});

t.test('demo: a valid target whose world always has an exhausted quota and pending commissions', async (t) => {
  const setup = await demos.astakos!({ seed: 42, log: createLogger({ level: 'silent', format: 'json' }), faults: {} });
  const { samples, text } = await (await startSource(t, astakos, setup.target, setup)).scrape();
  t.equal(samples.find((s) => s.name === 'capacity_exporter_collect_success' && s.labels.source === 'astakos')?.value, 1);
  const limits = new Map(samples.filter((s) => s.name === 'astakos_quota_limit').map((s) => [JSON.stringify(s.labels), s.value]));
  const exhausted = samples.filter(
    (s) => s.name === 'astakos_quota_usage' && (limits.get(JSON.stringify(s.labels)) ?? Infinity) > 0 && s.value >= limits.get(JSON.stringify(s.labels))!,
  );
  t.ok(exhausted.length >= 1, 'usage >= limit somewhere');
  t.ok([...limits.values()].includes(Infinity), 'an unlimited quota');
  t.ok(samples.find((s) => s.name === 'astakos_pending_commissions')!.value > 0);
  t.match(text, /# TYPE astakos_quota_limit gauge/);
  t.match(text, /astakos_quota_limit\{target="synnefo",holder="[^"]+",source="[^"]+",resource="cyclades\.ram"\} \+Inf/);
});
