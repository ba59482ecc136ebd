import t from 'tap';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { exposedGc, HEAP_NODE_OPTIONS, SEMI_SPACE_MB, SwapCollector, youngGenerationSized } from '../src/heap.js';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

t.test('the young generation counts as sized from the command line or NODE_OPTIONS, in either spelling', async (t) => {
  t.ok(youngGenerationSized(['--max-semi-space-size=16'], ''));
  t.ok(youngGenerationSized(['--expose-gc', '--max_semi_space_size=8'], ''));
  t.ok(youngGenerationSized([], `--enable-source-maps ${HEAP_NODE_OPTIONS}`));
  t.notOk(youngGenerationSized([], ''));
  t.notOk(youngGenerationSized(['--max-old-space-size=512'], '--max-semi-space-sizes=1'), 'another flag is not this one');
});

t.test('every way the exporter is shipped starts node with the heap flags', async (t) => {
  t.match(read('Dockerfile'), new RegExp(`^\\s*NODE_OPTIONS=${HEAP_NODE_OPTIONS} \\\\$`, 'm'), 'the image (and so the Kubernetes manifests)');
  for (const manifest of ['deploy/kubernetes/deployment.yaml', 'deploy/kubernetes/intercloud-sharded/statefulset.yaml']) {
    t.match(read(manifest), new RegExp(`name: NODE_OPTIONS\\n\\s+value: .*${HEAP_NODE_OPTIONS}`), `${manifest}, whose NODE_OPTIONS replaces the image's`);
  }
  t.match(read('deploy/systemd/capacity-exporter.service'), new RegExp(`^Environment=NODE_OPTIONS=${HEAP_NODE_OPTIONS}$`, 'm'), 'the systemd unit');
  t.equal(read('src/main.ts').split('\n')[0], `#!/usr/bin/env -S node ${HEAP_NODE_OPTIONS}`, 'the bin');
  const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  t.match(scripts.start, `node ${HEAP_NODE_OPTIONS} dist/main.js`);
  t.match(scripts.demo, `node ${HEAP_NODE_OPTIONS} dist/demo.js`);
});

t.test('the flag is one node takes: the young generation is the size it says', async (t) => {
  const script = `
    let keep = [];
    for (let i = 0; i < 2e6; i++) { keep.push({ i }); if (keep.length > 1e5) keep = []; }
    const space = require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    process.stdout.write(String(space.space_size / 2 ** 20));`;
  const sized = spawnSync(process.execPath, [HEAP_NODE_OPTIONS, '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  t.equal(sized.status, 0, sized.stderr);
  t.ok(Number(sized.stdout) <= 2 * SEMI_SPACE_MB, `new space ${sized.stdout} MB`);
});

t.test('a full collection after large swaps, no more often than the interval, skipped swaps counting towards the next', async (t) => {
  let now = 0;
  let collections = 0;
  const swaps = new SwapCollector(
    () => collections++,
    1000,
    10_000,
    () => now,
  );
  swaps.swapped(600);
  t.equal(collections, 0, 'fewer series than the threshold');
  swaps.swapped(600);
  t.equal(collections, 1, 'two swaps together reach it');
  now = 5000;
  swaps.swapped(5000);
  t.equal(collections, 1, 'too soon after the last');
  now = 10_000;
  swaps.swapped(0);
  t.equal(collections, 2, 'the skipped swap counts: its garbage is still there');
  now = 30_000;
  swaps.swapped(999);
  t.equal(collections, 2, 'the count started again from the last collection');
});

t.test('the collector is a full collection of V8, with no flag on the command line', async (t) => {
  const gc = exposedGc();
  t.type(gc, 'function');
  let dropped = false;
  const registry = new FinalizationRegistry(() => (dropped = true));
  (() => registry.register({ large: new Array(1000).fill('x') }, 'gone'))();
  gc();
  // Finalisers run in a task of their own after the collection.
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.ok(dropped, 'an object nothing holds is collected by it');
});
