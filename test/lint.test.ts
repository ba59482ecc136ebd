import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';

// The whole repository is lint-clean: typescript-eslint's strict type-checked
// rules with no warning, Prettier's formatting, and no unused file, export or
// dependency (knip). `npm run format` fixes the formatting.

const ROOT = new URL('..', import.meta.url).pathname;

/** Runs a tool of node_modules/.bin with this Node in the repository root; its exit code and all it wrote. */
async function run(tool: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/.bin', tool), ...args], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}${String(err)}` };
  }
}

const CHECKS: Array<[string, string[]]> = [
  ['eslint', ['.', '--max-warnings', '0']],
  ['prettier', ['--check', '**/*.{ts,js,mjs}']],
  ['knip', []],
];

for (const [tool, args] of CHECKS) {
  t.test([tool, ...args].join(' '), async (t) => {
    const { code, output } = await run(tool, args);
    t.equal(code, 0, `${tool} finds nothing`, { output });
  });
}
