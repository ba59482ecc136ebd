import type { Logger } from '../log.js';
import type { FaultOptions } from './server.js';

export interface DemoOptions {
  seed: number;
  log: Logger;
  /** Faults every simulator injects (`npm run demo -- --latency-ms 200 --error-rate 0.05`). */
  faults: FaultOptions;
}

export interface DemoSetup {
  /** One target's config as a user would write it (raw JSON, validated like any config). */
  target: Record<string, unknown>;
  close(): Promise<void>;
}

type Demo = (opts: DemoOptions) => Promise<DemoSetup>;

/**
 * Each source kind's demo world (`src/simulator/<kind>/demo.ts`), by kind. A
 * simulator module is imported only when its demo starts: the exporter itself
 * never loads one.
 */
export const demos: Readonly<Record<string, Demo>> = {
  intercloud: async (opts) => (await import('./intercloud/demo.js')).demo(opts),
  gnocchi: async (opts) => (await import('./gnocchi/demo.js')).demo(opts),
  astakos: async (opts) => (await import('./astakos/demo.js')).demo(opts),
  ixapi: async (opts) => (await import('./ixapi/demo.js')).demo(opts),
};
