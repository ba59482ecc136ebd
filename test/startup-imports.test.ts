import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Every module `entry` loads at start-up: static imports, followed; dynamic import() is not start-up. */
function startupModules(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)(?!\s+type\b)\s[^;]*?from\s+'(\.[^']+)'/gms)) {
      visit(resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
    }
  };
  visit(join(SRC, entry));
  return new Set([...seen].map((f) => relative(SRC, f)));
}

t.test('the daemon never loads a simulator; the demo loads them only when it starts them', async (t) => {
  const daemon = startupModules('main.ts');
  t.ok(daemon.has('sources/registry.ts'), 'the walk follows imports');
  t.same(
    [...daemon].filter((f) => f.startsWith('simulator/')),
    [],
    'main.ts and what it imports',
  );
  const demo = startupModules('demo.ts');
  t.same(
    [...demo].filter((f) => f.startsWith('simulator/')),
    ['simulator/demos.ts'],
    'demo.ts: only the lazy map of demo worlds',
  );
});
