import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { parse } from 'yaml';

const PROMTOOL = '/usr/bin/promtool';
const RULES = new URL('../deploy/prometheus/rules/', import.meta.url).pathname;
const RULE_FILE = 'exporter.rules.yml';
const TEST_FILE = 'exporter.rules.test.yml';

async function promtool(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(PROMTOOL, args, { cwd });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}${String(err)}` };
  }
}

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
}
interface RuleFile {
  groups: Array<{ rules: Rule[] }>;
}
const rules = (parse(readFileSync(join(RULES, RULE_FILE), 'utf8')) as RuleFile).groups.flatMap((g) => g.rules);
const alert = (name: string) => rules.find((r) => r.alert === name);
const record = (name: string) => rules.find((r) => r.record === name);

t.test('promtool check rules', async (t) => {
  const res = await promtool(['check', 'rules', RULE_FILE], RULES);
  t.equal(res.code, 0, res.output);
  t.match(res.output, /SUCCESS: 6 rules found/);
});

t.test('promtool test rules', async (t) => {
  const res = await promtool(['test', 'rules', TEST_FILE], RULES);
  t.equal(res.code, 0, res.output);
  t.match(res.output, /SUCCESS/);
});

t.test('the four exporter-health alerts watch what issue 7 asks', async (t) => {
  t.match(alert('CapacityExporterCollectFailing'), { expr: /capacity_exporter_collect_success == 0/, for: '15m' });
  t.match(alert('CapacityExporterDataStale'), {
    expr: /capacity_exporter:last_success_age_seconds\s+>\s+3 \* capacity_exporter_collect_interval_seconds\s*$/,
  });
  t.match(alert('CapacityExporterCycleOverruns'), { expr: /capacity_exporter_cycle_overruns_total/ });
  t.match(alert('CapacityExporterDown'), { expr: /up\{job="capacity-exporter"\} == 0/ });
});

t.test('staleness is judged against the configured interval, never-succeeded targets included', async (t) => {
  // The exporter exposes each target's interval: nothing estimates it any more.
  t.notOk(record('capacity_exporter:collect_interval_seconds'), 'no estimated interval');
  t.notOk(
    rules.some((r) => r.expr.includes('capacity_exporter:collect_interval_seconds')),
    'no rule uses the estimate',
  );
  const age = record('capacity_exporter:last_success_age_seconds');
  t.ok(age, 'age recorded');
  t.match(age?.expr, /time\(\) - capacity_exporter_last_success_timestamp_seconds/);
  // last_success is absent until a first fully successful cycle: such a target's
  // age counts from the exporter's start.
  t.match(age?.expr, /\bor\b[\s\S]*capacity_exporter_collect_interval_seconds[\s\S]*process_start_time_seconds/);
  t.notOk(alert('CapacityExporterDataStale')?.for, 'no `for`: 3 intervals is the delay');
});

/** promtool test rules of the shipped tests against a modified copy of the rule file. */
async function testAgainst(t: Test, modify: (text: string) => string): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'exporter-rules-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(join(RULES, TEST_FILE), join(dir, TEST_FILE));
  const text = readFileSync(join(RULES, RULE_FILE), 'utf8');
  const weakened = modify(text);
  t.not(weakened, text, 'rule weakened');
  writeFileSync(join(dir, RULE_FILE), weakened);
  return promtool(['test', 'rules', TEST_FILE], dir);
}

t.test('the unit tests catch a weakened rule', async (t) => {
  // The same tests against rules with CollectFailing's `for` shortened must fail:
  // they pin the 15 minutes rather than merely running.
  const res = await testAgainst(t, (text) => text.replace(/(expr: capacity_exporter_collect_success == 0\n\s+for: )15m/, '$110m'));
  t.not(res.code, 0, 'promtool test rules fails');
  t.match(res.output, /CapacityExporterCollectFailing/);
});

t.test('the unit tests catch a DataStale that misses never-succeeded targets', async (t) => {
  // Without the process-start branch, a target with no last_success has no age.
  const res = await testAgainst(t, (text) =>
    text.replace(/(expr: \|\n\s+time\(\) - capacity_exporter_last_success_timestamp_seconds\n)[\s\S]*?process_start_time_seconds\n/, '$1'),
  );
  t.not(res.code, 0, 'promtool test rules fails');
  t.match(res.output, /CapacityExporterDataStale/);
});

t.test('the unit tests catch a DataStale with another threshold', async (t) => {
  const res = await testAgainst(t, (text) =>
    text.replace(/> 3 \* capacity_exporter_collect_interval_seconds/, '> 2 * capacity_exporter_collect_interval_seconds'),
  );
  t.not(res.code, 0, 'promtool test rules fails');
  t.match(res.output, /CapacityExporterDataStale/);
});
