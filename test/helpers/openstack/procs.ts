import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnLogged, type Spawned } from '../processes.js';

/** A long-running child: its PID, its output, and a stop by PID. */
export interface Daemon {
  name: string;
  pid: number;
  output: () => string;
  exited: () => boolean;
  /** `signal` by PID (SIGTERM unless told), SIGKILL after `graceMs`; resolves when the process is gone. */
  stop: (signal?: NodeJS.Signals, graceMs?: number) => Promise<void>;
}

export interface RunAs {
  uid: number;
  gid: number;
}

/** Every child still running and every temp dir still there, for the exit hook. */
const live = new Map<number, string>();
const dirs = new Set<string>();
let hooked = false;

/** On any exit of the Node process (even process.exit()), kill what is left by PID and remove the temp dirs. */
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const pid of live.keys()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
}

export function trackDir(dir: string): void {
  hookExit();
  dirs.add(dir);
}

export function untrackDir(dir: string): void {
  dirs.delete(dir);
}

export const DIR_PREFIX = 'openstack-harness-';

/**
 * Removes the temp dirs of harnesses whose Node process died without cleaning
 * up (SIGKILL): each dir holds the PID of its owner in `owner.pid`.
 */
export function sweepStaleDirs(): void {
  let entries: string[];
  try {
    entries = readdirSync(tmpdir()).filter((e) => e.startsWith(DIR_PREFIX));
  } catch {
    return;
  }
  for (const entry of entries) {
    const dir = join(tmpdir(), entry);
    const file = join(dir, 'owner.pid');
    if (!existsSync(file)) continue;
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0 || alive(pid)) continue;
    rmSync(dir, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * `setpriv --pdeathsig KILL`: the kernel kills the child when the Node process
 * dies, however it dies (the children's own children then go too: uWSGI
 * workers with --no-orphans, cotyledon workers and PostgreSQL backends watch
 * their parent). `runAs` switches user in the same exec (initdb and postgres
 * refuse to run as root).
 */
function wrap(setpriv: string, argv: string[], runAs?: RunAs): [string, string[]] {
  const user = runAs ? ['--reuid', String(runAs.uid), '--regid', String(runAs.gid), '--clear-groups'] : [];
  return [setpriv, ['--pdeathsig', 'KILL', ...user, '--', ...argv]];
}

function spawnTracked(name: string, setpriv: string, argv: string[], env: NodeJS.ProcessEnv, runAs?: RunAs): Spawned {
  hookExit();
  const [cmd, args] = wrap(setpriv, argv, runAs);
  const p = spawnLogged(cmd, args, env);
  const pid = p.child.pid;
  if (pid === undefined) throw new Error(`${name}: could not start ${argv[0]}`);
  live.set(pid, name);
  p.child.once('exit', () => live.delete(pid));
  return p;
}

export function startDaemon(name: string, setpriv: string, argv: string[], env: NodeJS.ProcessEnv = process.env, runAs?: RunAs): Daemon {
  const p = spawnTracked(name, setpriv, argv, env, runAs);
  const pid = p.child.pid ?? 0;
  const gone = new Promise<void>((resolve) => {
    p.child.once('exit', () => {
      resolve();
    });
  });
  const exited = () => p.child.exitCode !== null || p.child.signalCode !== null;
  return {
    name,
    pid,
    output: p.output,
    exited,
    stop: async (signal = 'SIGTERM', graceMs = 5_000) => {
      if (exited()) return;
      try {
        process.kill(pid, signal);
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }, graceMs);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** Runs a command to its end; rejects with its output when it fails, outlives `timeoutMs` or `signal` aborts. */
export async function runCommand(
  name: string,
  setpriv: string,
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  runAs?: RunAs,
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<string> {
  opts.signal?.throwIfAborted();
  const p = spawnTracked(name, setpriv, argv, env, runAs);
  const kill = () => {
    try {
      if (p.child.pid !== undefined) process.kill(p.child.pid, 'SIGKILL');
    } catch {
      // gone
    }
  };
  const timer = setTimeout(kill, opts.timeoutMs ?? 150_000);
  opts.signal?.addEventListener('abort', kill, { once: true });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) resolve([p.child.exitCode, p.child.signalCode]);
    else
      p.child.once('exit', (c, s) => {
        resolve([c, s]);
      });
  });
  clearTimeout(timer);
  opts.signal?.removeEventListener('abort', kill);
  if (code !== 0) {
    throw new Error(`${name} failed (${signal ? `killed by ${signal}` : `exit code ${String(code)}`}): ${argv.join(' ')}\n${p.output().slice(-4000)}`);
  }
  return p.output();
}
