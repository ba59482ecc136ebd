import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HEAP_NODE_OPTIONS, MALLOC_ENV } from '../../src/heap.js';

/**
 * `npm run bench [-- name... [--option value]...]`: runs every scenario in
 * scenarios/ (or the named ones) one after the other, each in a process of
 * its own so that its peak RSS and heap are its own, and prints one JSON line
 * of figures each. Options go to every scenario run, which reads those it
 * knows (`npm run bench -- soak --minutes 2`). Each runs under the node
 * flags and the malloc environment the exporter is shipped with
 * (HEAP_NODE_OPTIONS, MALLOC_ENV).
 */
export type ScenarioOptions = Readonly<Record<string, string>>;

const dir = new URL('./scenarios/', import.meta.url);
const self = fileURLToPath(import.meta.url);
const argv = process.argv.slice(2);

async function runOne(scenario: string, options: ScenarioOptions): Promise<boolean> {
  try {
    const mod = (await import(new URL(`${scenario}.js`, dir).href)) as { default: (options: ScenarioOptions) => Promise<Record<string, unknown>> };
    const figures = await mod.default(options);
    process.stdout.write(`${JSON.stringify({ scenario, ...figures })}\n`);
    return figures.pass !== false;
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ scenario, error: (err as Error).stack ?? String(err) })}\n`);
    return false;
  }
}

if (argv[0] === '--one') {
  process.exit((await runOne(argv[1]!, JSON.parse(argv[2] ?? '{}') as ScenarioOptions)) ? 0 : 1);
} else {
  const wanted: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      wanted.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq > 0) options[arg.slice(2, eq)] = arg.slice(eq + 1);
    else options[arg.slice(2)] = argv[++i] ?? '';
  }
  const scenarios = readdirSync(fileURLToPath(dir))
    .filter((f) => f.endsWith('.js'))
    .map((f) => f.replace(/\.js$/, ''))
    .filter((s) => wanted.length === 0 || wanted.includes(s))
    .sort();
  let failed = false;
  for (const scenario of scenarios) {
    const r = spawnSync(process.execPath, ['--expose-gc', HEAP_NODE_OPTIONS, self, '--one', scenario, JSON.stringify(options)], {
      stdio: 'inherit',
      env: { ...process.env, ...MALLOC_ENV },
    });
    if (r.status !== 0) failed = true;
  }
  process.exit(failed ? 1 : 0);
}
