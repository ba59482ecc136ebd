import t from 'tap';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfigFile } from '../../src/config/load.js';
import { sources } from '../../src/sources/registry.js';

/**
 * Config cases as files, one folder per source kind and `process` for the
 * process-wide keys: `<case>.ok.json` must load; `<case>.bad.json` must be
 * refused with exactly the problems listed, one per line, in
 * `<case>.bad.problems`. Paths inside the files (`*File` secrets, CA files)
 * are relative to the repository root, where tap runs.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DATA = fileURLToPath(new URL('./testdata/', import.meta.url));

function problemsOf(file: string): string[] {
  try {
    loadConfigFile(file, sources, { env: {} });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

for (const kind of ['process', ...sources.map((s) => s.kind)]) {
  t.test(kind, async (t) => {
    const dir = join(DATA, kind);
    const files = existsSync(dir) ? readdirSync(dir).sort() : [];
    const ok = files.filter((f) => f.endsWith('.ok.json'));
    const bad = files.filter((f) => f.endsWith('.bad.json'));
    t.ok(ok.length > 0 && bad.length > 0, `${relative(ROOT, dir)} holds valid and invalid cases`);
    for (const f of ok) t.same(problemsOf(relative(ROOT, join(dir, f))), [], `${f} loads`);
    for (const f of bad) {
      const expected = join(dir, f.replace(/\.json$/, '.problems'));
      t.ok(existsSync(expected), `${f} has its problems file`);
      if (!existsSync(expected)) continue;
      const want = readFileSync(expected, 'utf8').split('\n').filter(Boolean);
      t.same(problemsOf(relative(ROOT, join(dir, f))).sort(), [...want].sort(), `${f} is refused with exactly these problems`);
    }
  });
}
