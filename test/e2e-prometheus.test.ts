import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, getJson, spawnLogged, until, waitForOutput } from './helpers/processes.js';

/**
 * The shipped artefacts against real tools: `npm run demo`'s exporter scraped
 * by Debian's Prometheus loaded with every shipped rule file; every rule and
 * dashboard query runs, recording rules produce series, and the alerts the
 * demo's simulators provoke reach `firing`.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const rulesDir = join(root, 'deploy/prometheus/rules');
const dashboardsDir = join(root, 'grafana/dashboards');
/** Alerts the demo's worlds are built to trigger: a quota at its limit, a service in error. */
const EXPECTED_FIRING = ['AstakosQuotaExhausted', 'IxapiNetworkServiceError'];

interface PromResult {
  status: string;
  error?: string;
  /** Absent when the query failed. */
  data?: { resultType: string; result: unknown[] };
}

interface Rule {
  name: string;
  query: string;
  type: 'alerting' | 'recording';
  health: string;
  lastError?: string;
  state?: string;
}

function ruleFiles(): string[] {
  return readdirSync(rulesDir)
    .filter((f) => f.endsWith('.rules.yml'))
    .sort();
}

interface Variable {
  name: string;
  type: string;
  query?: unknown;
  current?: { value?: unknown };
  options?: Array<{ value?: unknown }>;
}

/**
 * What Grafana would send: built-in intervals as a fixed window, a query
 * variable as "all" (a regex matching anything; dashboards filter with =~),
 * any other variable (custom, interval, textbox, constant) as its current value.
 */
function substitute(expr: string, vars: Variable[]): string {
  const value = (name: string): string => {
    const v = vars.find((x) => x.name === name);
    if (!v || v.type === 'query' || v.type === 'datasource') return '.*';
    const current = v.current?.value ?? v.options?.[0]?.value ?? (typeof v.query === 'string' ? v.query.split(',')[0] : '');
    const text = String(Array.isArray(current) ? current[0] : current);
    return text === '$__all' ? '.*' : text;
  };
  return expr
    .replace(/\$__(rate_interval|interval|range)\b|\$\{__(rate_interval|interval|range)\}/g, '1m')
    .replace(/\$\{([a-zA-Z_]\w*)(?::[a-z]+)?\}|\$([a-zA-Z_]\w*)/g, (_, a: string | undefined, b: string | undefined) => value((a ?? b)!));
}

/** Comparisons with the past (offset) have no data in a Prometheus started a minute ago. */
function needsHistory(expr: string): boolean {
  return /\boffset\b/.test(expr);
}

interface Panel {
  title?: string;
  type?: string;
  panels?: Panel[];
  targets?: Array<{ expr?: string; refId?: string }>;
}

function panels(list: Panel[] = []): Panel[] {
  return list.flatMap((p) => [p, ...panels(p.panels)]);
}

t.test('demo + real Prometheus: rules, dashboards and alerts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-'));
  // A few upstream errors and 429s (retried) give the error panels and counters data.
  const demo = spawnLogged(process.execPath, [
    join(root, 'dist/demo.js'),
    '--port',
    '0',
    '--log-level',
    'warn',
    '--error-rate',
    '0.03',
    '--too-many-rate',
    '0.03',
  ]);
  t.teardown(() => demo.stop());
  const exporterUrl = (await waitForOutput(demo, /metrics at (http:\/\/\S+)\/metrics/))[1]!;
  await until('exporter ready', async () => ((await getJson(`${exporterUrl}/readyz`)).status === 200 ? true : undefined), 60_000);
  const exposition = await (await fetch(`${exporterUrl}/metrics`)).text();
  const lint = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  t.equal(lint.status, 0, `promtool check metrics on the demo's output: ${lint.stdout}${lint.stderr}`);
  for (const kind of ['intercloud', 'gnocchi', 'astakos', 'ixapi']) {
    t.match(exposition, new RegExp(`^${kind}_\\w+\\{target=`, 'm'), `the demo shows ${kind} series`);
  }

  mkdirSync(join(dir, 'rules'));
  for (const f of ruleFiles()) copyFileSync(join(rulesDir, f), join(dir, 'rules', f));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }',
      `rule_files: ['${join(dir, 'rules')}/*.yml']`,
      'scrape_configs:',
      '  - job_name: capacity-exporter',
      `    static_configs: [{ targets: ['${new URL(exporterUrl).host}'] }]`,
      '',
    ].join('\n'),
  );
  const promPort = await freePort();
  const promUrl = `http://127.0.0.1:${promPort}`;
  const prom = spawnLogged('prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'tsdb')}`,
    `--web.listen-address=127.0.0.1:${promPort}`,
    '--log.level=warn',
  ]);
  t.teardown(() => prom.stop());

  const query = async (expr: string): Promise<PromResult> => {
    const r = await getJson(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return r.body as PromResult;
  };
  await until('Prometheus ready', async () => ((await fetch(`${promUrl}/-/ready`)).ok ? true : undefined), 30_000, 200);
  await until(
    'two scrapes of the exporter',
    async () => {
      const r = await query('count_over_time(up{job="capacity-exporter"}[1m]) >= 2 and up{job="capacity-exporter"} == 1');
      return r.data?.result.length === 1 ? true : undefined;
    },
    30_000,
  );

  const rules = await until(
    'every rule group evaluated',
    async () => {
      const r = await getJson(`${promUrl}/api/v1/rules`);
      const groups = (r.body as { data: { groups: Array<{ file: string; rules: Rule[]; lastEvaluation: string }> } }).data.groups;
      return groups.length && groups.every((g) => !g.lastEvaluation.startsWith('0001')) ? groups : undefined;
    },
    20_000,
  );
  t.equal(new Set(rules.map((g) => g.file.split('/').pop())).size, ruleFiles().length, 'every rule file loaded');

  for (const g of rules) {
    for (const rule of g.rules) {
      t.equal(rule.health, 'ok', `rule ${rule.name} evaluates (${rule.lastError ?? ''})`);
      const r = await query(rule.query);
      t.equal(r.status, 'success', `rule ${rule.name} expression runs`);
      if (rule.type === 'recording') {
        const rec = await until(
          `recording rule ${rule.name} series`,
          async () => ((await query(rule.name)).data?.result.length ? true : undefined),
          15_000,
        ).catch(() => false);
        t.ok(rec, `recording rule ${rule.name} produces series`);
      }
    }
  }

  for (const file of readdirSync(dashboardsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const dash = JSON.parse(readFileSync(join(dashboardsDir, file), 'utf8')) as { panels?: Panel[]; templating?: { list?: Variable[] } };
    const vars = dash.templating?.list ?? [];
    for (const v of vars) {
      if (v.type !== 'query') continue;
      const q = typeof v.query === 'string' ? v.query : ((v.query as { query?: string } | undefined)?.query ?? '');
      const m = /label_values\(\s*(.+?)\s*,\s*(\w+)\s*\)\s*$/.exec(q);
      const expr = m ? `count by (${m[2]}) (${substitute(m[1]!, vars)})` : substitute(q.replace(/^query_result\((.*)\)$/, '$1'), vars);
      const r = await query(expr);
      t.equal(r.status, 'success', `${file} variable ${v.name}: ${expr} ${r.error ?? ''}`);
      t.ok(r.data?.result.length, `${file} variable ${v.name} has values`);
    }
    for (const p of panels(dash.panels)) {
      for (const target of p.targets ?? []) {
        if (!target.expr) continue;
        const expr = substitute(target.expr, vars);
        const r = await query(expr);
        t.equal(r.status, 'success', `${file} "${p.title}" ${target.refId}: ${expr} ${r.error ?? ''}`);
        if (needsHistory(expr)) continue;
        // deriv() and rate() over recording rules need two evaluations of the rule, which a slow machine may not have made yet
        const data =
          r.data?.result.length ||
          (await until(`${file} "${p.title}" data`, async () => (await query(expr)).data?.result.length || undefined, 15_000).catch(() => 0));
        t.ok(data, `${file} "${p.title}" ${target.refId} returns data: ${expr}`);
      }
    }
  }

  const firing = await until(
    `alerts ${EXPECTED_FIRING.join(', ')} firing`,
    async () => {
      const r = await getJson(`${promUrl}/api/v1/alerts`);
      const names = new Set(
        (r.body as { data: { alerts: Array<{ labels: { alertname: string }; state: string }> } }).data.alerts
          .filter((a) => a.state === 'firing')
          .map((a) => a.labels.alertname),
      );
      return EXPECTED_FIRING.every((n) => names.has(n)) ? names : undefined;
    },
    90_000,
    1000,
  );
  for (const n of EXPECTED_FIRING) t.ok(firing.has(n), `${n} is firing`);

  t.equal(await prom.stop(), 0, 'Prometheus stopped by its PID');
  t.equal(await demo.stop(), 0, 'the demo stopped by its PID');
});
