import t from 'tap';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config/load.js';
import { sources } from '../src/sources/registry.js';
import { parseExposition } from './helpers/exposition.js';
import { startSource, type Upstream } from './helpers/source-harness.js';

/**
 * One golden exposition per source: the kind's series from a world built with
 * a fixed seed (`test/golden/<kind>.world.ts`), compared line by line with
 * `test/golden/<kind>.prom`. Values of `*_timestamp_seconds` series follow the
 * clock and are written as `<time>`; a world gives every other value
 * independently of the clock. `GOLDEN_UPDATE=1 npx tap test/golden.test.ts`
 * rewrites the files; review their diff as the change of the metrics contract
 * it is.
 *
 * Every series must also belong to a family its source declares, with exactly
 * the family's label names (and `target`): a series without one would be
 * exposed with no HELP and TYPE of its own.
 */
const DIR = fileURLToPath(new URL('./golden/', import.meta.url));

export interface GoldenWorld extends Upstream {
  /** The target's keys, as a user writes them. */
  target: Record<string, unknown>;
}

/**
 * The kind's own lines of an exposition, timestamps masked, and each family's
 * series sorted: their order follows the order in which upstream answers
 * arrived, which is not part of the contract.
 */
function kindText(text: string, prefix: string): string {
  const out: string[] = [];
  let series: string[] = [];
  const flush = () => {
    out.push(...series.sort());
    series = [];
  };
  for (const line of text.split('\n')) {
    if (!line.replace(/^# (HELP|TYPE) /, '').startsWith(prefix)) continue;
    if (line.startsWith('#')) {
      flush();
      out.push(line);
    } else {
      series.push(line.replace(/^([a-z_:]+_timestamp_seconds\{.*\}) \S+$/, '$1 <time>'));
    }
  }
  flush();
  return out.join('\n');
}

for (const source of sources) {
  t.test(`${source.kind}: exposition matches test/golden/${source.kind}.prom`, async (t) => {
    const worldFile = join(DIR, `${source.kind}.world.ts`);
    t.ok(existsSync(worldFile), `every source has a golden world: ${worldFile}`);
    if (!existsSync(worldFile)) return;
    const { world } = (await import(`./golden/${source.kind}.world.js`)) as { world: () => Promise<GoldenWorld> };
    const w = await world();
    const h = await startSource(t, source, w.target, w);
    t.same(h.errors(), [], 'the golden cycle succeeds');
    const { text } = await h.scrape();

    const target = parseConfig({ [source.kind]: [{ name: source.kind, ...w.target }] }, [source], { env: {} }).targets[0]!.config;
    const families = new Map(source.families(target).map((f) => [f.name, f]));
    const own = parseExposition(text).filter((s) => s.name.startsWith(`${source.kind}_`));
    t.ok(own.length > 0, 'the world yields series');
    const undeclared = own.filter((s) => !families.has(s.name)).map((s) => s.name);
    t.same([...new Set(undeclared)], [], 'every series has a declared family');
    const mislabelled = own.filter((s) => {
      const f = families.get(s.name);
      return f && [...Object.keys(s.labels)].sort().join() !== ['target', ...f.labelNames].sort().join();
    });
    t.same(mislabelled, [], "every series carries exactly its family's labels and target");
    t.notMatch(text, /\(no description\)/, 'no series rendered without HELP');

    const actual = `${kindText(text, `${source.kind}_`)}\n`;
    const file = join(DIR, `${source.kind}.prom`);
    if (process.env.GOLDEN_UPDATE === '1') writeFileSync(file, actual);
    t.ok(existsSync(file), `${file} exists (GOLDEN_UPDATE=1 writes it)`);
    if (existsSync(file)) t.equal(actual, readFileSync(file, 'utf8'), `unchanged exposition (GOLDEN_UPDATE=1 rewrites ${file})`);
  });
}
