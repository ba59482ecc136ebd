import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { HEAP_NODE_OPTIONS } from '../../src/heap.js';

export interface SimulatorProcess<S> {
  /** What the simulator printed once listening (its URL, credentials, sizes). */
  sim: S;
  pid: number | undefined;
  stop(): void;
}

/**
 * Starts a simulator script of test/bench/ (`intercloud-sim.js` ...) in a
 * process of its own, so the exporter's CPU is measured alone, and reads the
 * JSON line it prints once listening.
 */
export async function startSimulatorProcess<S>(script: string, args: string[]): Promise<SimulatorProcess<S>> {
  const child = spawn(process.execPath, [fileURLToPath(new URL(`./${script}`, import.meta.url)), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const stop = () => void child.kill('SIGTERM');
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    });
    return { sim: JSON.parse(line) as S, pid: child.pid, stop };
  } catch (err) {
    stop();
    throw err;
  }
}

/**
 * Runs a script of test/bench/ to its end in a process of its own, under the
 * exporter's heap flags (the bare loop is compared with the exporter like for
 * like), and returns the JSON of the last line it printed.
 */
export async function runBenchScript<T>(script: string, args: string[]): Promise<T> {
  const child = spawn(process.execPath, [HEAP_NODE_OPTIONS, fileURLToPath(new URL(`./${script}`, import.meta.url)), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let last = '';
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.trim()) last = line;
  });
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`${script} exited with ${code}`);
  return JSON.parse(last) as T;
}
