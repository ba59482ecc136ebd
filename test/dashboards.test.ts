import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Dashboard } from '@grafana/schema';
import t from 'tap';
import { parse } from 'yaml';

// Every dashboard in grafana/dashboards (whoever added it) follows the project's
// conventions and type-checks against @grafana/schema's Dashboard type.

const ROOT = new URL('..', import.meta.url).pathname;
const DIR = join(ROOT, 'grafana/dashboards');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

interface Target {
  refId?: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id?: number;
  type: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  gridPos?: { x: number; y: number; w: number; h: number };
  targets?: Target[];
  fieldConfig?: { defaults?: { unit?: string } };
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  query?: string | { query?: string };
  datasource?: { type?: string; uid?: string };
}
// What the conventions read; the type-check below holds the whole of each file to Dashboard.
type DashboardJson = Pick<Dashboard, 'uid' | 'title' | 'schemaVersion' | 'tags' | 'id'> & { templating?: { list?: Variable[] }; panels?: Panel[] };
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
// Data rates are shown in bits per second (bytes-per-second metrics * 8, unit bps).
const BYTE_RATE_UNITS = new Set(['Bps', 'binBps', 'KBs', 'MBs', 'GBs', 'TBs', 'PBs', 'KiBs', 'MiBs', 'GiBs', 'TiBs', 'PiBs']);

const dashboards = files.map((file) => ({ file, json: JSON.parse(readFileSync(join(DIR, file), 'utf8')) as DashboardJson }));
const allPanels = (panels: Panel[] = []): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels)]);

t.ok(files.includes('exporter-health.json'), `dashboards: ${files.join(', ')}`);

t.test('uids and titles are unique', async (t) => {
  const uids = dashboards.map((d) => d.json.uid);
  t.equal(new Set(uids).size, uids.length, `uids: ${uids.join(', ')}`);
  const titles = dashboards.map((d) => d.json.title);
  t.equal(new Set(titles).size, titles.length, `titles: ${titles.join(', ')}`);
});

for (const { file, json } of dashboards) {
  t.test(`${file} follows the conventions`, async (t) => {
    t.match(json.uid, /^[A-Za-z0-9_-]{1,40}$/, 'stable uid');
    t.ok(typeof json.title === 'string' && json.title, 'title');
    t.equal(json.schemaVersion, 39, 'schemaVersion 39');
    t.ok(Array.isArray(json.tags) && json.tags.includes('capacity-exporter'), 'tagged capacity-exporter');
    t.equal(json.id ?? null, null, 'no instance-specific numeric id');

    const vars = json.templating?.list ?? [];
    const ds = vars.find((v) => v.name === 'datasource');
    t.match(ds, { type: 'datasource', query: 'prometheus' }, 'datasource variable of Prometheus data sources');
    const target = vars.find((v) => v.name === 'target');
    t.equal(target?.type, 'query', 'target variable is a query');
    const targetQuery = typeof target?.query === 'string' ? target.query : target?.query?.query;
    t.match(targetQuery, /^label_values\(.+,\s*target\)$/, 'target variable lists label values of target');
    t.same(target?.datasource, DATASOURCE, 'target variable queries ${datasource}');

    const panels = allPanels(json.panels);
    t.ok(
      panels.some((p) => p.type !== 'row'),
      'has panels',
    );
    const ids = panels.map((p) => p.id);
    t.equal(new Set(ids).size, ids.length, 'panel ids unique');
    let usesTarget = false;
    for (const p of panels) {
      const name = `panel ${p.id} "${p.title}"`;
      t.ok(p.gridPos && p.gridPos.w > 0 && p.gridPos.h > 0 && p.gridPos.x + p.gridPos.w <= 24, `${name}: gridPos within 24 columns`);
      if (p.type === 'row') continue;
      const unit = p.fieldConfig?.defaults?.unit;
      t.ok(typeof unit === 'string' && unit !== '', `${name}: unit set (${unit})`);
      t.notOk(BYTE_RATE_UNITS.has(unit ?? ''), `${name}: rates in bits, not bytes, per second`);
      t.same(p.datasource, DATASOURCE, `${name}: datasource is \${datasource}`);
      t.ok(p.targets?.length, `${name}: has queries`);
      for (const q of p.targets ?? []) {
        t.ok(q.refId && q.expr, `${name}: query ${q.refId} has refId and expr`);
        if (q.datasource) t.same(q.datasource, DATASOURCE, `${name}: query ${q.refId} datasource`);
        if (q.expr?.includes('$target')) usesTarget = true;
        if (unit === 'bps' && /_bytes_per_second\b/.test(q.expr ?? '')) t.match(q.expr, /\*\s*8\b|\b8\s*\*/, `${name}: bytes per second * 8 for bps`);
      }
    }
    t.ok(usesTarget, 'queries filter on $target');
  });
}

/** The panels each issue asks for; their queries run against a real Prometheus in e2e-prometheus.test.ts. */
const REQUIRED_PANELS: Record<string, RegExp[]> = {
  'exporter-health.json': [/success/i, /duration/i, /series/i, /request/i, /error/i, /latency/i, /token/i],
  'intercloud-capacity.json': [/per region, all organisations/, /per organisation/, /^Top groups$/, /^Groups$/],
  'ixapi-services.json': [/^Services by state$/, /^Services not in production$/, /allocated vs limit/, /by severity/],
  'quotas.json': [/nearest to exhaustion/, /^Pending commissions$/, /^Unlimited quotas$/],
  'gnocchi-vcpus.json': [/^vCPUs per project$/, /^Top projects$/, /^Provisioned vCPUs$/],
};

t.test('every dashboard has the panels its issue asks for', async (t) => {
  t.same(Object.keys(REQUIRED_PANELS).sort(), [...files].sort(), 'a list of required panels for every dashboard');
  for (const { file, json } of dashboards) {
    const titles = allPanels(json.panels).map((p) => p.title ?? '');
    for (const re of REQUIRED_PANELS[file] ?? [])
      t.ok(
        titles.some((x) => re.test(x)),
        `${file}: a panel ${re}`,
      );
  }
});

t.test('every dashboard type-checks against @grafana/schema Dashboard', async (t) => {
  // JSON imports widen strings (type: "query" becomes string), which no union
  // type accepts; so each dashboard is written out as a TypeScript literal and
  // passed through a `const` type parameter bounded by Dashboard (its string
  // enums such as ThresholdsMode read as their values, as in JSON). Keys the
  // type does not know (Grafana writes some, e.g. a variable's "definition") are
  // allowed; every key it knows must have its type. A dashboard broken on
  // purpose proves that tsc does reject.
  const dir = mkdtempSync(join(ROOT, 'node_modules', '.dashboards-typecheck-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const header = [
    `import type { Dashboard } from '@grafana/schema';`,
    // What JSON can hold of a type: a string enum as its values (JSON has no enums).
    'type Json<T> = T extends string ? `${T}` : T extends number | boolean | null | undefined ? T : T extends Array<infer U> ? Array<Json<U>> : T extends object ? { [K in keyof T]: Json<T[K]> } : T;',
    'function dashboard<const T extends Json<Dashboard>>(d: T): T { return d; }',
    '',
  ].join('\n');
  const names: string[] = [];
  for (const { file, json } of dashboards) {
    const name = file.replace(/\.json$/, '.ts');
    writeFileSync(join(dir, name), `${header}export const d = dashboard(${JSON.stringify(json, null, 2)});\n`);
    names.push(name);
  }
  const broken = structuredClone(dashboards.find((d) => d.file === 'exporter-health.json')!.json);
  broken.templating!.list![0]!.type = 'datasources';
  Object.assign(broken.panels![1]!, { gridPos: { x: 0, y: 0, w: 6 } });
  writeFileSync(join(dir, 'broken.ts'), `${header}export const d = dashboard(${JSON.stringify(broken, null, 2)});\n`);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: [] },
      files: [...names, 'broken.ts'],
    }),
  );
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const output = await promisify(execFile)(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')]).then(
    (r) => r.stdout,
    (err: unknown) => (err as { stdout?: string }).stdout ?? String(err),
  );
  const errors = output.split('\n').filter((l) => / error TS\d+:/.test(l));
  for (const name of names) {
    const own = errors.filter((l) => l.startsWith(name) || l.includes(`/${name}(`));
    t.same(own, [], `${name.replace(/\.ts$/, '.json')} is a Dashboard`);
  }
  const brokenErrors = errors.filter((l) => l.includes('broken.ts('));
  t.ok(
    brokenErrors.some((l) => /"datasources"/.test(l)),
    'an unknown variable type is rejected',
  );
  t.ok(
    brokenErrors.some((l) => /'h'/.test(l)),
    'a gridPos without h is rejected',
  );
});

t.test('Grafana provisioning loads the dashboards folder from a Prometheus data source', async (t) => {
  const provider = parse(readFileSync(join(ROOT, 'grafana/provisioning/dashboards/capacity-exporter.yml'), 'utf8')) as {
    apiVersion: number;
    providers: unknown[];
  };
  t.equal(provider.apiVersion, 1);
  t.match(provider.providers[0], { type: 'file', options: { path: '/var/lib/grafana/dashboards' } });
  const datasources = parse(readFileSync(join(ROOT, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as { datasources: unknown[] };
  t.match(datasources.datasources[0], { type: 'prometheus', isDefault: true });
  // deploy/docker-compose.yml mounts both where the provider and Grafana look.
  const compose = parse(readFileSync(join(ROOT, 'deploy/docker-compose.yml'), 'utf8')) as {
    services: { grafana: { volumes: string[]; environment: { GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: string } } };
  };
  t.ok(compose.services.grafana.volumes.includes('../grafana/dashboards:/var/lib/grafana/dashboards:ro'), 'compose mounts the dashboards');
  t.ok(compose.services.grafana.volumes.includes('../grafana/provisioning:/etc/grafana/provisioning:ro'), 'compose mounts the provisioning');
  const home = compose.services.grafana.environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
  t.ok(files.includes(home.replace('/var/lib/grafana/dashboards/', '')), 'home dashboard exists');
});
