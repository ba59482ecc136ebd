import t from 'tap';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../deploy/prometheus/rules/', import.meta.url));
const promtool = '/usr/bin/promtool';

function run(args: string[]) {
  const r = spawnSync(promtool, args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, output: `${r.stdout}${r.stderr}${r.error ? String(r.error) : ''}` };
}

t.test('promtool check rules', async (t) => {
  const r = run(['check', 'rules', 'intercloud.rules.yml']);
  t.equal(r.code, 0, r.output);
  t.match(r.output, /SUCCESS: 5 rules found/);
});

t.test('promtool test rules: regional and per-organisation totals across shards, replicas counted once', async (t) => {
  const r = run(['test', 'rules', 'intercloud.rules.test.yml']);
  t.equal(r.code, 0, r.output);
  t.match(r.output, /SUCCESS/);
});
