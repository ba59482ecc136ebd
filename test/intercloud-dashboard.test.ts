import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { families } from '../src/sources/intercloud/collector.js';

interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  fieldConfig: { defaults: { unit?: string } };
  targets: Array<{ expr: string }>;
}

const read = (rel: string) => readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8');
const dashboard = JSON.parse(read('../grafana/dashboards/intercloud-capacity.json')) as {
  uid: string;
  schemaVersion: number;
  tags: string[];
  templating: { list: Array<{ name: string; type: string; query: unknown }> };
  panels: Panel[];
};

t.test('conventions: uid, schemaVersion 39, tags, variables, units, bits per second', async (t) => {
  t.equal(dashboard.uid, 'capacity-exporter-intercloud');
  t.equal(dashboard.schemaVersion, 39);
  t.ok(dashboard.tags.includes('capacity-exporter'));
  const vars = Object.fromEntries(dashboard.templating.list.map((v) => [v.name, v]));
  t.match(vars.datasource, { type: 'datasource', query: 'prometheus' });
  t.match(vars.target, { type: 'query', query: { query: /^label_values\(intercloud_\w+, target\)$/ } });
  t.match(vars.organisation, { type: 'query', query: { query: /organisation\)$/ } });
  t.match(vars.region, { type: 'query', query: { query: /region\)$/ } });
  for (const p of dashboard.panels) {
    t.ok(p.fieldConfig.defaults.unit, `${p.title} has a unit`);
    t.equal(p.datasource?.uid, '${datasource}', `${p.title} uses the datasource variable`);
    for (const target of p.targets) {
      t.match(target.expr, /target=~"\$target"/, `${p.title} is filtered by target`);
      if (p.fieldConfig.defaults.unit === 'bps' && /bytes_per_second/.test(target.expr)) t.match(target.expr, /\* 8/, `${p.title}: bytes/s shown as bit/s`);
    }
  }
  for (const title of [/per region/, /per organisation/, /Top groups/, /^Groups$/]) t.ok(dashboard.panels.some((p) => title.test(p.title)), String(title));
});

t.test('every query is valid PromQL over exported metrics and recorded rules', async (t) => {
  const known = new Set([
    ...families.map((f) => f.name),
    ...[...read('../deploy/prometheus/rules/intercloud.rules.yml').matchAll(/record: (\S+)/g)].map((m) => m[1]!),
  ]);
  const exprs = dashboard.panels.flatMap((p) => p.targets.map((x) => x.expr.replace(/\$(target|organisation|region)/g, '.*').replace('$__rate_interval', '5m')));
  for (const e of exprs) {
    for (const name of e.match(/\bintercloud[:_][a-z_:]+/g) ?? []) t.ok(known.has(name), `${name} is exported or recorded`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'intercloud-dash-'));
  const rules = { groups: [{ name: 'dashboard', rules: exprs.map((expr, i) => ({ record: `dashboard:query_${i}`, expr })) }] };
  writeFileSync(join(dir, 'q.yml'), JSON.stringify(rules));
  const r = spawnSync('/usr/bin/promtool', ['check', 'rules', join(dir, 'q.yml')], { encoding: 'utf8' });
  t.equal(r.status, 0, `${r.stdout}${r.stderr}`);
});
