import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { families } from '../src/sources/astakos/families.js';

interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  fieldConfig: { defaults: { unit?: string } };
  targets: Array<{ expr: string }>;
}

const dashboard = JSON.parse(readFileSync(fileURLToPath(new URL('../grafana/dashboards/quotas.json', import.meta.url)), 'utf8')) as {
  uid: string;
  schemaVersion: number;
  tags: string[];
  templating: { list: Array<{ name: string; type: string; query: unknown }> };
  panels: Panel[];
};

t.test('conventions: uid, schemaVersion 39, tags, datasource and target variables, units', async (t) => {
  t.equal(dashboard.uid, 'capacity-exporter-quotas');
  t.equal(dashboard.schemaVersion, 39);
  t.ok(dashboard.tags.includes('capacity-exporter'));
  const vars = Object.fromEntries(dashboard.templating.list.map((v) => [v.name, v]));
  t.match(vars.datasource, { type: 'datasource', query: 'prometheus' });
  t.match(vars.target, { type: 'query', query: { query: 'label_values(astakos_quota_limit, target)' } });
  for (const p of dashboard.panels) {
    t.ok(p.fieldConfig.defaults.unit, `${p.title} has a unit`);
    t.equal(p.datasource?.uid, '${datasource}', `${p.title} uses the datasource variable`);
    for (const target of p.targets) t.match(target.expr, /target=~"\$target"/, `${p.title} is filtered by target`);
  }
  t.ok(dashboard.panels.some((p) => /nearest to exhaustion/.test(p.title)));
  t.ok(dashboard.panels.some((p) => /pending commissions/i.test(p.title)));
});

t.test('every query is valid PromQL over metrics the source exports', async (t) => {
  const known = new Set(families.map((f) => f.name));
  const exprs = dashboard.panels.flatMap((p) => p.targets.map((x) => x.expr.replaceAll('$target', '.*')));
  for (const e of exprs) {
    for (const name of e.match(/\bastakos_[a-z_]+/g) ?? []) t.ok(known.has(name), `${name} is exported`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'astakos-dash-'));
  const rules = { groups: [{ name: 'dashboard', rules: exprs.map((expr, i) => ({ record: `dashboard:query_${i}`, expr })) }] };
  writeFileSync(join(dir, 'q.yml'), JSON.stringify(rules));
  const r = spawnSync('/usr/bin/promtool', ['check', 'rules', join(dir, 'q.yml')], { encoding: 'utf8' });
  t.equal(r.status, 0, `${r.stdout}${r.stderr}`);
});
