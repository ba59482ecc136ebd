import { defineSource } from '../../core/source.js';
import { createAuth } from './auth.js';
import { GnocchiCollector } from './collector.js';
import { check, resolveQueries, schema } from './config.js';
import { families } from './families.js';

/** OpenStack Gnocchi behind Keystone: provisioned vCPUs per project, and any configured aggregate. */
export default defineSource({
  kind: 'gnocchi',
  schema,
  optionalBaseUrl: true,
  defaults: { interval: '5m', concurrency: 4 },
  check,
  families: (target) => families(resolveQueries(target)),
  createAuth,
  createCollector: (target, deps) => new GnocchiCollector(target, deps),
});
