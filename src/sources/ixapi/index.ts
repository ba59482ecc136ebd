import { defineSource } from '../../core/source.js';
import { createAuth } from './auth.js';
import { IxapiCollector } from './collector.js';
import { check, schema } from './config.js';
import { families } from './families.js';

/** IX-API v2: states and capacities of network services, their configs and connections. */
export default defineSource({
  kind: 'ixapi',
  schema,
  defaults: { interval: '1m', concurrency: 4 },
  check,
  families,
  createAuth,
  createCollector: (target, deps) => new IxapiCollector(target, deps),
});
