import { defineSource } from '../../core/source.js';
import { createAuth } from './auth.js';
import { IntercloudCollector } from './collector.js';
import { check, schema } from './config.js';
import { families } from './families.js';

/** InterCloud: used capacity per region of every group across a reseller's tree of organisations. */
export default defineSource({
  kind: 'intercloud',
  schema,
  defaults: { interval: '5m', concurrency: 16 },
  check,
  families: () => families,
  createAuth,
  createCollector: (target, deps) => new IntercloudCollector(target, deps),
});
