import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAMILIES } from '../src/sources/ixapi/families.js';

interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  fieldConfig: { defaults: { unit?: string } };
  targets: Array<{ expr: string }>;
}

const read = (rel: string) => readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8');
const dashboard = JSON.parse(read('../grafana/dashboards/ixapi-services.json')) as {
  uid: string;
  schemaVersion: number;
  tags: string[];
  templating: { list: Array<{ name: string; type: string; query: unknown }> };
  panels: Panel[];
};

t.test('conventions: uid, schemaVersion 39, tags, variables, units, bits per second', async (t) => {
  t.equal(dashboard.uid, 'capacity-exporter-ixapi');
  t.equal(dashboard.schemaVersion, 39);
  t.ok(dashboard.tags.includes('capacity-exporter'));
  const vars = Object.fromEntries(dashboard.templating.list.map((v) => [v.name, v]));
  t.match(vars.datasource, { type: 'datasource', query: 'prometheus' });
  t.match(vars.target, { type: 'query', query: { query: /^label_values\(ixapi_\w+, target\)$/ } });
  for (const p of dashboard.panels) {
    t.ok(p.fieldConfig.defaults.unit, `${p.title} has a unit`);
    t.equal(p.datasource?.uid, '${datasource}', `${p.title} uses the datasource variable`);
    for (const target of p.targets) {
      t.match(target.expr, /target=~"\$target"/, `${p.title} is filtered by target`);
      if (/bytes_per_second/.test(target.expr) && p.fieldConfig.defaults.unit === 'bps') t.match(target.expr, /\* 8/, `${p.title}: bytes/s shown as bit/s`);
    }
  }
  t.equal(new Set(dashboard.panels.map((p) => (p as unknown as { id: number }).id)).size, dashboard.panels.length, 'panel ids are unique');
  for (const title of [/^Services by state$/, /^Services not in production$/, /allocated vs limit/, /by severity/]) {
    t.ok(dashboard.panels.some((p) => title.test(p.title)), String(title));
  }
});

t.test('every query is valid PromQL over exported IX-API metrics', async (t) => {
  const known = new Set(FAMILIES.map((f) => f.name));
  const exprs = dashboard.panels.flatMap((p) => p.targets.map((x) => x.expr.replace(/\$target/g, '.*')));
  for (const e of exprs) {
    for (const name of e.match(/\bixapi[:_][a-z_:]+/g) ?? []) t.ok(known.has(name), `${name} is exported`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'ixapi-dash-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const rules = { groups: [{ name: 'dashboard', rules: exprs.map((expr, i) => ({ record: `dashboard:query_${i}`, expr })) }] };
  writeFileSync(join(dir, 'q.yml'), JSON.stringify(rules));
  const r = spawnSync('/usr/bin/promtool', ['check', 'rules', join(dir, 'q.yml')], { encoding: 'utf8' });
  t.equal(r.status, 0, `${r.stdout}${r.stderr}`);
});
