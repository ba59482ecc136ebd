import { setFlagsFromString } from 'node:v8';

/**
 * The V8 heap the exporter is meant to run in. Its memory is one text and
 * its parts, replaced every cycle, while each upstream answer is garbage
 * within milliseconds. Node's defaults suit neither. Node 24 gives every
 * process 64 MB semi-spaces, and a cycle of tens of thousands of requests
 * fills all 128 MB of that young generation, which then stays resident.
 * V8 also lets the old generation grow to up to four times what survived
 * the last full collection before it collects again, and never gives those
 * pages back. At 100k series the two cost about 250 MB of RSS.
 *
 * The young generation is sized when the heap is created, so only the node
 * command line (or NODE_OPTIONS, which allows this flag) can set it. The
 * image, the systemd unit, the Kubernetes manifests, `npm start` and the
 * bin's shebang all carry HEAP_NODE_OPTIONS. The growth of the old generation is read at every full
 * collection, so the daemon sets it itself.
 */
export const SEMI_SPACE_MB = 16;
export const HEAP_NODE_OPTIONS = `--max-semi-space-size=${SEMI_SPACE_MB}`;

/** The old generation grows by half of what survived the last full collection: more full collections, which mostly mark on a helper thread. */
const OLD_GENERATION_GROWTH_PERCENT = 50;

export function limitHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${OLD_GENERATION_GROWTH_PERCENT}`);
}

/** Whether this process was started with its young generation sized, on the command line or in NODE_OPTIONS. */
export function youngGenerationSized(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  const sets = (arg: string) => /^--max[-_]semi[-_]space[-_]size(=|$)/.test(arg);
  return execArgv.some(sets) || nodeOptions.split(/\s+/).some(sets);
}

/**
 * glibc's malloc, set in the environment node starts with: glibc reads it
 * only then. Three of its habits let RSS creep up cycle after cycle, in steps
 * of 1-2 MB for as long as the soak ran (30 minutes):
 * - threads that allocate at the same time get arenas of their own, up to
 *   eight per core, and a block freed goes back to its own arena only, so
 *   V8's helper threads, libuv's pool (zlib) and the main thread each keep
 *   free memory of their own: one arena, shared (with two, the helpers' one
 *   still grew by a MB now and then late in the soak; each thread's cache of
 *   small blocks keeps the shared arena's lock off most allocations);
 * - freeing a mapped block raises the size from which blocks are mapped to
 *   its own (up to 32 MB), so once a cycle has freed its gzip text of a few
 *   MB, every smaller buffer comes from the arenas, where what is freed in
 *   the middle stays resident: mapped from 128 KB (glibc's first value),
 *   fixed;
 * - the main arena is given back from its top and grown again every cycle,
 *   so RSS swings by a few MB with the cycle: trimmed past 32 MB only, it
 *   stays at its high mark (about 28 MB at 100k series).
 * The image, the systemd unit, `npm start` and the demo set these; the bin's
 * shebang does not, as a kernel before 5.1 cuts a shebang line at 127
 * characters, and the daemon warns at start-up when none is set. musl
 * (Alpine) has no arenas and reads none of them.
 */
export const MALLOC_ENV = { MALLOC_ARENA_MAX: '1', MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '33554432' } as const;

/** MALLOC_ENV as shell assignments. */
export const MALLOC_SETTINGS = Object.entries(MALLOC_ENV)
  .map(([name, value]) => `${name}=${value}`)
  .join(' ');

/** The GLIBC_TUNABLES name of each MALLOC_ENV variable, which glibc reads as well. */
export const MALLOC_TUNABLES: Record<keyof typeof MALLOC_ENV, string> = {
  MALLOC_ARENA_MAX: 'glibc.malloc.arena_max',
  MALLOC_MMAP_THRESHOLD_: 'glibc.malloc.mmap_threshold',
  MALLOC_TRIM_THRESHOLD_: 'glibc.malloc.trim_threshold',
};

/**
 * Whether malloc was set up, as MALLOC_ENV does or otherwise: any of its
 * settings, as a variable or in GLIBC_TUNABLES, is the operator's choice.
 * `glibc` is the C library's version, null for another.
 */
export function mallocTuned(env: NodeJS.ProcessEnv = process.env, glibc: string | null = glibcVersion()): boolean {
  if (glibc === null) return true;
  const tunables = (env.GLIBC_TUNABLES ?? '').split(':').map((t) => t.slice(0, t.indexOf('=')));
  return Object.entries(MALLOC_TUNABLES).some(([name, tunable]) => env[name] !== undefined || tunables.includes(tunable));
}

function glibcVersion(): string | null {
  return (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime ?? null;
}
