import type { Test } from 'tap';
import { IxapiSimulator, type IxapiSimOptions } from '../../src/simulator/ixapi/index.js';
import { createLogger } from '../../src/log.js';
import { demos } from '../../src/simulator/demos.js';
import ixapi from '../../src/sources/ixapi/index.js';
import type { ParsedSample } from './exposition.js';
import { startSource, type SourceHarness } from './source-harness.js';

export type Flow = 'oauth2' | 'key-secret';

export function authFor(sim: IxapiSimulator, flow: Flow): Record<string, string> {
  const c = sim.credentials;
  return flow === 'oauth2' ? { tokenUrl: sim.tokenUrl, clientId: c.clientId, clientSecret: c.clientSecret } : { apiKey: c.apiKey, apiSecret: c.apiSecret };
}

/**
 * A listening simulator of the tests' small world (seed 7, 6 services, 3
 * connections) unless `opts` says otherwise; closed when the test ends, even
 * if no exporter started on it.
 */
export async function simulator(t: Test, opts: IxapiSimOptions = {}): Promise<IxapiSimulator> {
  const sim = new IxapiSimulator({ seed: 7, services: 6, connections: 3, ...opts });
  await sim.listen();
  t.teardown(() => sim.close());
  return sim;
}

/** An `ixapi` target on `sim` as a user writes it (OAuth2 unless `flow` says otherwise), for `startSource`. */
export function targetFor(sim: IxapiSimulator, extra: Record<string, unknown> = {}, flow: Flow = 'oauth2'): Record<string, unknown> {
  return { baseUrl: sim.baseUrl, auth: authFor(sim, flow), ...extra };
}

/** An exporter on the demo's IX-API world (as `npm run demo` starts it), first cycle done. */
export async function startIxapiDemo(t: Test): Promise<SourceHarness> {
  const demo = await demos.ixapi!({ seed: 42, log: createLogger({ level: 'silent' }), faults: {} });
  return startSource(t, ixapi, { ...demo.target, interval: '1h' }, demo);
}

/** capacity_exporter_collect_success of the (one) IX-API target. */
export function success(samples: ParsedSample[]): number | undefined {
  return samples.find((s) => s.name === 'capacity_exporter_collect_success' && s.labels.source === 'ixapi')?.value;
}
