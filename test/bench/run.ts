import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench [-- name...]`: runs every scenario in scenarios/ (or the
 * named ones) one after the other, each in a process of its own so that its
 * peak RSS and heap are its own, and prints one JSON line of figures each.
 */
const dir = new URL('./scenarios/', import.meta.url);
const self = fileURLToPath(import.meta.url);
const [mode, ...args] = process.argv.slice(2);

async function runOne(scenario: string): Promise<boolean> {
  try {
    const mod = (await import(new URL(`${scenario}.js`, dir).href)) as { default: () => Promise<Record<string, unknown>> };
    const figures = await mod.default();
    process.stdout.write(`${JSON.stringify({ scenario, ...figures })}\n`);
    return figures.pass !== false;
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ scenario, error: (err as Error).stack ?? String(err) })}\n`);
    return false;
  }
}

if (mode === '--one') {
  process.exit((await runOne(args[0]!)) ? 0 : 1);
} else {
  const wanted = mode ? [mode, ...args] : [];
  const scenarios = readdirSync(fileURLToPath(dir))
    .filter((f) => f.endsWith('.js'))
    .map((f) => f.replace(/\.js$/, ''))
    .filter((s) => wanted.length === 0 || wanted.includes(s))
    .sort();
  let failed = false;
  for (const scenario of scenarios) {
    const r = spawnSync(process.execPath, ['--expose-gc', self, '--one', scenario], { stdio: 'inherit' });
    if (r.status !== 0) failed = true;
  }
  process.exit(failed ? 1 : 0);
}
