import { defineSource } from '../../core/source.js';
import { createAuth } from './auth.js';
import { AstakosCollector } from './collector.js';
import { check, schema } from './config.js';
import { families } from './families.js';

/** Synnefo Astakos: quota limit, usage and pending per holder, source and resource; pending commissions. */
export default defineSource({
  kind: 'astakos',
  schema,
  defaults: { interval: '1m', concurrency: 4 },
  check,
  families: () => families,
  createAuth,
  createCollector: (target, deps) => new AstakosCollector(target, deps),
});
