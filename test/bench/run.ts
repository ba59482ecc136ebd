import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench [-- name...]`: runs every scenario in scenarios/ (or the
 * named ones) one after the other and prints one JSON line of figures each.
 */
const dir = new URL('./scenarios/', import.meta.url);
const wanted = process.argv.slice(2);
const files = readdirSync(fileURLToPath(dir))
  .filter((f) => f.endsWith('.js'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.js$/, '')))
  .sort();
let failed = false;
for (const file of files) {
  const scenario = file.replace(/\.js$/, '');
  try {
    const mod = (await import(new URL(file, dir).href)) as { default: () => Promise<Record<string, unknown>> };
    const figures = await mod.default();
    process.stdout.write(`${JSON.stringify({ scenario, ...figures })}\n`);
    if (figures.pass === false) failed = true;
  } catch (err) {
    failed = true;
    process.stdout.write(`${JSON.stringify({ scenario, error: (err as Error).stack ?? String(err) })}\n`);
  }
}
process.exit(failed ? 1 : 0);
