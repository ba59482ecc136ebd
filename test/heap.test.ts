import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { HEAP_NODE_OPTIONS, MALLOC_ENV, MALLOC_SETTINGS, MALLOC_TUNABLES, mallocTuned, SEMI_SPACE_MB, youngGenerationSized } from '../src/heap.js';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

t.test('the young generation counts as sized from the command line or NODE_OPTIONS, in either spelling', async (t) => {
  t.ok(youngGenerationSized(['--max-semi-space-size=16'], ''));
  t.ok(youngGenerationSized(['--expose-gc', '--max_semi_space_size=8'], ''));
  t.ok(youngGenerationSized([], `--enable-source-maps ${HEAP_NODE_OPTIONS}`));
  t.notOk(youngGenerationSized([], ''));
  t.notOk(youngGenerationSized(['--max-old-space-size=512'], '--max-semi-space-sizes=1'), 'another flag is not this one');
});

t.test('malloc counts as set up by any of its settings, as a variable or a glibc tunable, and always under musl', async (t) => {
  t.ok(mallocTuned({ ...MALLOC_ENV }, '2.36'));
  t.ok(mallocTuned({ MALLOC_ARENA_MAX: '4' }, '2.36'), "an operator's own setting is theirs to choose");
  t.ok(mallocTuned({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, '2.36'));
  t.ok(mallocTuned({ GLIBC_TUNABLES: 'glibc.malloc.tcache_count=0:glibc.malloc.trim_threshold=1048576' }, '2.36'));
  t.notOk(mallocTuned({ GLIBC_TUNABLES: 'glibc.malloc.arena_test=2:glibc.malloc.mmap_threshold_x=1' }, '2.36'), 'other tunables are not these');
  t.notOk(mallocTuned({ MALLOC_CHECK_: '3' }, '2.36'), 'nor are other variables');
  t.notOk(mallocTuned({}, '2.36'));
  t.ok(mallocTuned({}, null), 'musl (Alpine) has no arenas to set up');
  t.equal(typeof mallocTuned({}), 'boolean', "this process's own C library is read");
  t.equal(MALLOC_SETTINGS, 'MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=131072 MALLOC_TRIM_THRESHOLD_=33554432');
});

t.test('glibc takes the settings: its loader lists them as its tunables', async (t) => {
  if (mallocTuned({})) {
    t.ok(mallocTuned({}, null), 'not glibc: nothing here reads them');
    return;
  }
  const loader = ['/lib64/ld-linux-x86-64.so.2', '/lib/ld-linux-aarch64.so.1'].find((path) => existsSync(path));
  if (!t.ok(loader, "glibc's loader")) return;
  const listed = spawnSync(loader!, ['--list-tunables'], { encoding: 'utf8', env: { ...MALLOC_ENV } });
  t.equal(listed.status, 0, listed.stderr);
  // The names mallocTuned looks for in GLIBC_TUNABLES are the ones glibc lists.
  for (const [name, value] of Object.entries(MALLOC_ENV)) {
    const tunable = MALLOC_TUNABLES[name as keyof typeof MALLOC_ENV].replaceAll('.', '\\.');
    t.match(listed.stdout, new RegExp(`^${tunable}: 0x${Number(value).toString(16)} `, 'm'), name);
  }
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

t.test('every way the exporter is shipped sets up malloc, but the bin', async (t) => {
  t.match(
    read('Dockerfile'),
    new RegExp(
      `ENV [^]*${Object.entries(MALLOC_ENV)
        .map(([name, value]) => `^\\s*${name}=${value} \\\\$`)
        .join('\\n')}`,
      'm',
    ),
    'the image, and so the Kubernetes manifests, which add no malloc setting of their own',
  );
  t.match(read('deploy/systemd/capacity-exporter.service'), new RegExp(`^Environment=${MALLOC_SETTINGS}$`, 'm'), 'the systemd unit');
  const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  t.match(scripts.start, `${MALLOC_SETTINGS} node ${HEAP_NODE_OPTIONS} dist/main.js`);
  t.match(scripts.demo, `${MALLOC_SETTINGS} node ${HEAP_NODE_OPTIONS} dist/demo.js`);
  t.notMatch(read('src/main.ts').split('\n')[0], /MALLOC/, 'the shebang stays short enough for any kernel: the daemon warns instead');
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
