import { StaticTokenProvider } from '../../core/auth/static.js';
import { GnocchiSimulator } from '../../simulator/gnocchi.js';
import type { SourceDefinition } from '../types.js';
import { GnocchiClient } from './client.js';
import { GnocchiCollector } from './collector.js';
import { check, resolveQueries, schema, type GnocchiTarget } from './config.js';
import { families } from './families.js';
import { KeystoneProvider } from './keystone.js';

const gnocchi: SourceDefinition<GnocchiTarget> = {
  kind: 'gnocchi',
  schema,
  optionalBaseUrl: true,
  defaults: { interval: '5m', concurrency: 4 },
  check,
  families: (target) => families(resolveQueries(target)),
  create(target, { http, metrics }) {
    if (target.auth.token) {
      const auth = new StaticTokenProvider(target.auth.token, 'x-auth-token', '');
      return new GnocchiCollector(new GnocchiClient(http, auth, { baseUrl: target.baseUrl }), resolveQueries(target));
    }
    const provider = new KeystoneProvider({
      source: 'gnocchi',
      target: target.name,
      metrics,
      http,
      keystone: target.auth.keystone,
      needCatalog: !target.baseUrl,
    });
    const endpoint = target.baseUrl ? { baseUrl: target.baseUrl } : { provider };
    return new GnocchiCollector(new GnocchiClient(http, provider, endpoint), resolveQueries(target));
  },
  async demo({ seed, faults }) {
    const sim = new GnocchiSimulator({ seed, projects: 5, instancesPerProject: [2, 8], faults });
    await sim.listen();
    return {
      target: {
        name: 'vhi',
        interval: '30s',
        auth: {
          keystone: {
            url: `${sim.keystone.url}/v3`,
            username: sim.admin.name,
            password: sim.admin.password,
            project: 'admin',
          },
        },
      },
      close: () => sim.close(),
    };
  },
};

export default gnocchi;
