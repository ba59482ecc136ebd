import type { Test } from 'tap';
import { request } from 'undici';
import { GnocchiSimulator, type GnocchiSimulatorOptions, type Instance } from '../../src/simulator/gnocchi/index.js';
import gnocchi from '../../src/sources/gnocchi/index.js';
import type { ParsedSample } from './exposition.js';
import { startSource, type SourceHarness } from './source-harness.js';

export const registry = [gnocchi];

/** A Gnocchi simulator listening (seed 7, 3 projects of 3 to 6 instances unless told); the test closes it. */
export async function startSim(t: Test, opts: GnocchiSimulatorOptions = {}): Promise<GnocchiSimulator> {
  const sim = new GnocchiSimulator({ seed: 7, projects: 3, instancesPerProject: [3, 6], ...opts });
  await sim.listen();
  t.teardown(() => sim.close());
  return sim;
}

/** Keystone password credentials of the simulator's admin user, scoped to project admin. */
export function adminPassword(sim: GnocchiSimulator): Record<string, unknown> {
  return { keystone: { url: `${sim.keystone.url}/v3`, username: sim.admin.name, password: sim.admin.password, project: 'admin' } };
}

/** The generic harness running one `gnocchi` target named `g` (auth, queries, baseUrl ... in `target`) against `sim`. */
export function startGnocchi(t: Test, sim: GnocchiSimulator, target: Record<string, unknown>): Promise<SourceHarness> {
  return startSource(t, gnocchi, { name: 'g', ...target }, sim);
}

/** `name` samples as a map from the value of `label` to the value. */
export function byLabel(samples: ParsedSample[], name: string, label = 'project_id'): Map<string, number> {
  return new Map(samples.filter((s) => s.name === name).map((s) => [s.labels[label] ?? '', s.value]));
}

export function sum(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * `POST /v1/aggregates` as a client writes it: `query` as the query string,
 * `body` JSON-encoded (a string is sent as it is); JSON is accepted unless
 * `headers` say otherwise (undefined leaves a header out).
 */
export async function postAggregates(
  sim: GnocchiSimulator,
  token: string,
  query: string,
  body: unknown,
  headers: Record<string, string | undefined> = {},
): Promise<RawAnswer> {
  const all: Record<string, string | undefined> = { 'x-auth-token': token, 'content-type': 'application/json', accept: 'application/json', ...headers };
  const res = await request(`${sim.baseUrl}/v1/aggregates?${query}`, {
    method: 'POST',
    headers: Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined)),
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

/** The built-in query's body, with a search. */
export const VCPUS = { operations: '(aggregate sum (metric vcpus mean))', resource_type: 'instance', search: {} };

const STEP = 300_000;
export const bucketOf = (at: number): number => Math.floor(at / STEP) * STEP;

/** What `aggregate sum (metric vcpus mean)` has in its newest 5-minute bucket: only the instances that reported in it. */
export function newestBucketSum(instances: Instance[]): { value: number; at: number } {
  const at = Math.max(...instances.flatMap((i) => i.points.map((p) => bucketOf(p.at))));
  let value = 0;
  for (const i of instances) {
    const inBucket = i.points.filter((p) => bucketOf(p.at) === at).map((p) => p.value);
    if (inBucket.length) value += sum(inBucket) / inBucket.length;
  }
  return { value, at };
}

/** Per project of the simulator: `f` of its instances among `instances`. */
export function perProject<T>(sim: GnocchiSimulator, instances: Instance[], f: (of: Instance[]) => T): Map<string, T> {
  return new Map(sim.projects.map((p) => [p.id, f(instances.filter((i) => i.projectId === p.id))]));
}
