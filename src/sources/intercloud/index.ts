import { IntercloudSimulator } from '../../simulator/intercloud.js';
import type { SourceDefinition } from '../types.js';
import { createAuth } from './auth.js';
import { families, IntercloudCollector } from './collector.js';
import { check, schema, type IntercloudTarget } from './config.js';

/** InterCloud: used capacity per region of every group across a reseller's tree of organisations. */
const intercloud: SourceDefinition<IntercloudTarget> = {
  kind: 'intercloud',
  schema,
  defaults: { interval: '5m', concurrency: 16 },
  check,
  families: () => families,
  create(target, deps) {
    return new IntercloudCollector(target, deps, createAuth(target, deps.http, deps.metrics));
  },
  async demo({ seed }) {
    const sim = new IntercloudSimulator({ seed, organisations: 36, depth: 3, groupsPerOrg: [1, 4], latencyMs: 5, oddNames: true });
    const baseUrl = await sim.listen();
    return {
      target: {
        name: 'intercloud-demo',
        baseUrl,
        interval: '30s',
        discoveryInterval: '5m',
        auth: { username: sim.username, password: sim.password, basicToken: sim.basicToken },
      },
      close: () => sim.close(),
    };
  },
};

export default intercloud;
