import type { Test } from 'tap';
import { IxapiSimulator, type IxapiSimOptions } from '../../src/simulator/ixapi/index.js';
import { createLogger } from '../../src/log.js';
import { demos } from '../../src/simulator/demos.js';
import ixapi from '../../src/sources/ixapi/index.js';
import { scrape } from './exposition.js';
import { startReadyExporter } from './start.js';

export type Flow = 'oauth2' | 'key-secret';

export function authFor(sim: IxapiSimulator, flow: Flow): Record<string, string> {
  const c = sim.credentials;
  return flow === 'oauth2' ? { tokenUrl: sim.tokenUrl, clientId: c.clientId, clientSecret: c.clientSecret } : { apiKey: c.apiKey, apiSecret: c.apiSecret };
}

/**
 * An IX-API simulator and an exporter with one `ixapi` target "ix" on it,
 * first cycle done; `cycle()` runs one more and scrapes.
 */
export async function startIxapi(
  t: Test,
  opts: { sim?: IxapiSimOptions; target?: Record<string, unknown> | ((sim: IxapiSimulator) => Record<string, unknown>); flow?: Flow } = {},
) {
  const sim = new IxapiSimulator({ seed: 7, services: 6, connections: 3, ...opts.sim });
  await sim.listen();
  const extra = typeof opts.target === 'function' ? opts.target(sim) : opts.target;
  const { exporter, logText } = await startReadyExporter(
    t,
    { ixapi: [{ name: 'ix', baseUrl: sim.baseUrl, interval: '1h', retries: 0, auth: authFor(sim, opts.flow ?? 'oauth2'), ...extra }] },
    [ixapi],
    sim,
  );
  return {
    sim,
    exporter,
    logText,
    scrape: () => scrape(exporter.url),
    cycle: async () => {
      await exporter.runCycle('ixapi', 'ix');
      return scrape(exporter.url);
    },
  };
}

/** An exporter on the demo's IX-API world (as `npm run demo` starts it), first cycle done. */
export async function startIxapiDemo(t: Test) {
  const demo = await demos.ixapi!({ seed: 42, log: createLogger({ level: 'silent' }), faults: {} });
  const { exporter } = await startReadyExporter(t, { ixapi: [{ ...demo.target, interval: '1h' }] }, [ixapi], demo);
  return exporter;
}
