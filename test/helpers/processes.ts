import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { request } from 'undici';
import { setTimeout as delay } from 'node:timers/promises';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface Spawned {
  child: ChildProcess;
  output: () => string;
  /** SIGTERM by PID, SIGKILL if still alive after `graceMs`. */
  stop: (graceMs?: number) => Promise<number | null>;
}

export function spawnLogged(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Spawned {
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 2_000_000) out = out.slice(-1_000_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      process.kill(child.pid!, 'SIGTERM');
      const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Resolves with the first match of `pattern` in the process output. */
export function waitForOutput(p: Spawned, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      const m = pattern.exec(p.output());
      if (m) resolve(m);
      else if (p.child.exitCode !== null) reject(new Error(`process exited (${p.child.exitCode}) before ${pattern}: ${p.output().slice(-3000)}`));
      else if (Date.now() - started > timeoutMs) reject(new Error(`timed out waiting for ${pattern}: ${p.output().slice(-3000)}`));
      else setTimeout(check, 50);
    };
    check();
  });
}

export async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const res = await request(url);
  const text = await res.body.text();
  return { status: res.statusCode, body: JSON.parse(text) };
}

export async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number, everyMs = 500): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(everyMs);
  }
}
