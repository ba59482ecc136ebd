import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { parse } from 'yaml';

// Every rule file shipped in deploy/prometheus/rules, whoever wrote it: promtool
// accepts it, its unit tests pass, each alert and recording rule is unit-tested,
// and each alert carries the annotations and a runbook anchor that exists.

const PROMTOOL = '/usr/bin/promtool';
const ROOT = new URL('..', import.meta.url).pathname;
const RULES = join(ROOT, 'deploy/prometheus/rules');
const RUNBOOKS = join(ROOT, 'deploy/prometheus/runbook');

async function promtool(args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(PROMTOOL, args, { cwd: RULES });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}${String(err)}` };
  }
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    out.add(
      m[1]!
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return out;
}

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleFile {
  groups: Array<{ rules: Rule[] }>;
}

const ruleFiles = readdirSync(RULES)
  .filter((f) => f.endsWith('.rules.yml'))
  .sort();
const testFiles = readdirSync(RULES)
  .filter((f) => f.endsWith('.rules.test.yml'))
  .sort();
const runbookAnchors = new Set(
  [
    ...(existsSync(RUNBOOKS)
      ? readdirSync(RUNBOOKS)
          .filter((f) => f.endsWith('.md'))
          .map((f) => join(RUNBOOKS, f))
      : []),
    join(ROOT, 'deploy/prometheus/RUNBOOK.md'),
  ]
    .filter((f) => existsSync(f))
    .flatMap((f) => [...anchors(readFileSync(f, 'utf8'))]),
);

t.ok(ruleFiles.includes('exporter.rules.yml'), `rule files: ${ruleFiles.join(', ')}`);

for (const file of ruleFiles) {
  t.test(file, async (t) => {
    const check = await promtool(['check', 'rules', file]);
    t.equal(check.code, 0, `promtool check rules ${file}\n${check.output}`);
    t.match(check.output, /SUCCESS: [1-9]\d* rules found/);

    const testFile = file.replace(/\.rules\.yml$/, '.rules.test.yml');
    t.ok(testFiles.includes(testFile), `${testFile} exists`);
    const tests = testFiles.includes(testFile) ? readFileSync(join(RULES, testFile), 'utf8') : '';
    const testedAlerts = new Set([...tests.matchAll(/alertname:\s*['"]?([A-Za-z0-9_]+)/g)].map((m) => m[1]));
    const exprs = [...tests.matchAll(/expr:\s*(.+)/g)].map((m) => m[1]!);

    const rules = (parse(readFileSync(join(RULES, file), 'utf8')) as RuleFile).groups.flatMap((g) => g.rules);
    // A recording rule counts as tested when a test queries it, or a tested rule is built on it.
    const tested = new Set<Rule>(rules.filter((r) => (r.alert ? testedAlerts.has(r.alert) : exprs.some((e) => e.includes(r.record!)))));
    for (let grew = true; grew;) {
      grew = false;
      for (const r of rules) {
        if (r.record && !tested.has(r) && [...tested].some((u) => u.expr.includes(r.record!))) grew = Boolean(tested.add(r));
      }
    }
    for (const rule of rules) {
      if (rule.record) {
        t.ok(tested.has(rule), `recording rule ${rule.record} is unit-tested, directly or through a tested rule`);
        continue;
      }
      const name = rule.alert!;
      t.ok(testedAlerts.has(name), `alert ${name} is unit-tested`);
      t.ok(rule.labels?.severity, `${name} has a severity`);
      t.ok(rule.annotations?.summary, `${name} has a summary`);
      t.ok(rule.annotations?.description, `${name} has a description`);
      const url = rule.annotations?.runbook_url ?? '';
      const [path, anchor] = url.split('#');
      t.equal(path, 'deploy/prometheus/RUNBOOK.md', `${name} runbook_url points to RUNBOOK.md`);
      t.ok(anchor && runbookAnchors.has(anchor), `${name} runbook anchor #${anchor} is a heading of a runbook section`);
    }
  });
}

for (const file of testFiles) {
  t.test(file, async (t) => {
    t.ok(ruleFiles.includes(file.replace(/\.rules\.test\.yml$/, '.rules.yml')), 'tests a shipped rule file');
    const res = await promtool(['test', 'rules', file]);
    t.equal(res.code, 0, `promtool test rules ${file}\n${res.output}`);
    t.match(res.output, /SUCCESS/);
  });
}

t.test('prometheus.yml loads with every rule file', async (t) => {
  const res = await promtool(['check', 'config', join(ROOT, 'deploy/prometheus/prometheus.yml')]);
  t.equal(res.code, 0, res.output);
  t.match(res.output, new RegExp(`SUCCESS: ${ruleFiles.length} rule files found`));
  const config = parse(readFileSync(join(ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8')) as {
    scrape_configs: Array<{ job_name: string; scrape_interval?: string; scrape_timeout?: string }>;
  };
  const job = config.scrape_configs.find((j) => j.job_name === 'capacity-exporter');
  t.ok(job, 'job capacity-exporter (what CapacityExporterDown matches)');
  t.ok(job?.scrape_interval && job.scrape_timeout, 'scrape_interval and scrape_timeout set');
});
