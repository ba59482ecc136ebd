import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { find } from './helpers/exposition.js';
import { startIxapiDemo } from './helpers/ixapi-setup.js';

const rules = fileURLToPath(new URL('../deploy/prometheus/rules/ixapi.rules.yml', import.meta.url));

function promtool(...args: string[]) {
  const res = spawnSync('promtool', args, { encoding: 'utf8', timeout: 60_000 });
  if (res.error) throw res.error;
  return { code: res.status, out: `${res.stdout}${res.stderr}` };
}

// promtool check/test of every rule file and their annotations: test/rules.test.ts.
t.test('end to end: the demo world, as scraped, makes the error and allocation alerts fire', async (t) => {
  const h = await startIxapiDemo(t);
  const samples = (await h.samples()).filter((x) => x.name.startsWith('ixapi_'));
  const inError = find(samples, 'ixapi_network_service_state', { state: 'error' }).filter((x) => x.value === 1).length;
  t.ok(inError >= 1);
  const series = samples.map((x) => ({
    series: `${x.name}{${Object.entries({ job: 'capacity-exporter', instance: 'exporter:10064', ...x.labels })
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',')}}`,
    values: `${x.value}x30`,
  }));
  const dir = mkdtempSync(join(tmpdir(), 'ixapi-e2e-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const unit = {
    rule_files: [rules],
    evaluation_interval: '1m',
    tests: [
      {
        interval: '1m',
        input_series: series,
        promql_expr_test: [
          {
            expr: 'count by (alertname) (ALERTS{alertstate="firing", alertname=~"Ixapi.*"})',
            eval_time: '20m',
            exp_samples: [
              { labels: '{alertname="IxapiNetworkServiceError"}', value: inError },
              { labels: '{alertname="IxapiConnectionAllocationHigh"}', value: 1 },
            ],
          },
        ],
      },
    ],
  };
  writeFileSync(join(dir, 'e2e.test.yml'), JSON.stringify(unit));
  const r = promtool('test', 'rules', join(dir, 'e2e.test.yml'));
  t.equal(r.code, 0, r.out);
});
