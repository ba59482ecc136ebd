import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  fieldConfig: { defaults: { unit?: string } };
  targets: Array<{ expr: string }>;
}

const dashboard = JSON.parse(readFileSync(fileURLToPath(new URL('../grafana/dashboards/gnocchi-vcpus.json', import.meta.url)), 'utf8')) as {
  uid: string;
  schemaVersion: number;
  tags: string[];
  templating: { list: Array<{ name: string; type: string; query: unknown }> };
  panels: Panel[];
};

t.test('conventions: uid, schemaVersion 39, tags, variables, units, target filter', async (t) => {
  t.equal(dashboard.uid, 'capacity-exporter-gnocchi-vcpus');
  t.equal(dashboard.schemaVersion, 39);
  t.ok(dashboard.tags.includes('capacity-exporter'));
  const vars = Object.fromEntries(dashboard.templating.list.map((v) => [v.name, v]));
  t.match(vars.datasource, { type: 'datasource', query: 'prometheus' });
  t.match(vars.target, { type: 'query', query: { query: 'label_values(gnocchi_provisioned_vcpus, target)' } });
  t.match(vars.project, { type: 'query', query: { query: /project_id\)$/ } });
  for (const p of dashboard.panels) {
    t.ok(p.fieldConfig.defaults.unit, `${p.title} has a unit`);
    t.equal(p.datasource?.uid, '${datasource}', `${p.title} uses the datasource variable`);
    for (const x of p.targets) t.match(x.expr, /target=~"\$target"/, `${p.title} is filtered by target`);
  }
  t.equal(new Set(dashboard.panels.map((p) => p.id)).size, dashboard.panels.length, 'panel ids are unique');
  for (const title of ['vCPUs per project', 'Top projects', 'Provisioned vCPUs', 'Total vCPUs per target']) {
    t.ok(dashboard.panels.some((p) => p.title === title), title);
  }
});

t.test('every query is valid PromQL over exported Gnocchi metrics', async (t) => {
  const known = new Set(['gnocchi_provisioned_vcpus', 'gnocchi_provisioned_vcpus_timestamp_seconds']);
  const exprs = dashboard.panels.flatMap((p) => p.targets.map((x) => x.expr.replace(/\$target|\$project/g, '.*').replace(/\$top/g, '10')));
  for (const e of exprs) for (const name of e.match(/\bgnocchi_[a-z_]+/g) ?? []) t.ok(known.has(name), `${name} is exported`);
  const dir = mkdtempSync(join(tmpdir(), 'gnocchi-dash-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'q.yml'), JSON.stringify({ groups: [{ name: 'dashboard', rules: exprs.map((expr, i) => ({ record: `dashboard:query_${i}`, expr })) }] }));
  const r = spawnSync('/usr/bin/promtool', ['check', 'rules', join(dir, 'q.yml')], { encoding: 'utf8' });
  t.equal(r.status, 0, `${r.stdout}${r.stderr}`);
});
