import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/**
 * Runs `fn` under V8's profilers when asked, so a scenario can profile its
 * measured part alone: BENCH_CPU_PROFILE names a .cpuprofile file for the CPU
 * profile, BENCH_HEAP_PROFILE a .heapprofile file for the sampling heap
 * profile of what outlived the young generation (open either in Chrome
 * DevTools); otherwise `fn` just runs.
 */
export async function profiled<T>(fn: () => Promise<T>): Promise<T> {
  const cpuFile = process.env.BENCH_CPU_PROFILE;
  const heapFile = process.env.BENCH_HEAP_PROFILE;
  if (!cpuFile && !heapFile) return fn();
  const session = new Session();
  session.connect();
  if (cpuFile) {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  if (heapFile) {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', { samplingInterval: 32768, includeObjectsCollectedByMajorGC: true } as never);
  }
  try {
    return await fn();
  } finally {
    if (cpuFile) writeFileSync(cpuFile, JSON.stringify((await session.post('Profiler.stop')).profile));
    if (heapFile) writeFileSync(heapFile, JSON.stringify((await session.post('HeapProfiler.stopSampling')).profile));
    session.disconnect();
  }
}
