import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../deploy/prometheus/rules/', import.meta.url));

function promtool(args: string[]) {
  const r = spawnSync('/usr/bin/promtool', args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

t.test('promtool check rules', async (t) => {
  const r = promtool(['check', 'rules', 'gnocchi.rules.yml']);
  t.equal(r.code, 0, r.output);
  t.match(r.output, /SUCCESS: 2 rules found/);
});

t.test('promtool test rules: stale measures, vCPUs dropped or gone, and the cases that must not fire', async (t) => {
  const r = promtool(['test', 'rules', 'gnocchi.rules.test.yml']);
  t.equal(r.code, 0, r.output);
  t.match(r.output, /SUCCESS/);
});

t.test('every alert has a severity, summary, description and a runbook section', async (t) => {
  const text = readFileSync(`${dir}gnocchi.rules.yml`, 'utf8');
  const runbook = readFileSync(fileURLToPath(new URL('../deploy/prometheus/runbook/gnocchi.md', import.meta.url)), 'utf8');
  const blocks = text.split(/^\s+- alert: /m).slice(1);
  t.equal(blocks.length, 2);
  for (const block of blocks) {
    const name = block.split('\n')[0]!.trim();
    t.match(block, /severity: (warning|critical)/, name);
    t.match(block, /summary: \S/, name);
    t.match(block, /description: >-/, name);
    t.match(block, new RegExp(`runbook_url: deploy/prometheus/RUNBOOK\\.md#${name.toLowerCase()}\\n`), name);
    t.match(runbook, new RegExp(`^### ${name}$`, 'm'), `runbook section for ${name}`);
  }
});
