import type { Source } from '../core/source.js';
import { secretField, type ConfigSchema } from './fields.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Process-wide settings; every source kind adds `<kind>: [targets]` beside them. */
export function processSchema(): ConfigSchema {
  return {
    server: {
      host: { doc: 'Address to listen on', format: String, default: '0.0.0.0' },
      port: { doc: 'Port to listen on', format: 'port', default: 10064, env: 'CAPACITY_EXPORTER_PORT' },
      auth: {
        ...secretField('bearerToken', 'If set, every route but /healthz requires "Authorization: Bearer <token>"'),
        basic: {
          username: { doc: 'If set, every route but /healthz requires HTTP basic auth', format: String, default: '' },
          ...secretField('password', 'Password of the basic auth user'),
        },
      },
    },
    log: {
      level: { doc: 'Log level', format: LOG_LEVELS, default: 'info', env: 'CAPACITY_EXPORTER_LOG_LEVEL' },
      format: { doc: 'json, pretty, or auto (pretty on a terminal)', format: ['auto', 'json', 'pretty'], default: 'auto' },
    },
    collection: {
      maxStaleness: {
        doc: 'How long series of a failing sub-request are kept; "" means 3 intervals of the target',
        format: 'optional-duration',
        default: '',
      },
      startupJitter: { doc: 'First cycles start spread over up to this long; 0s starts them all at once', format: 'duration-or-zero', default: '5s' },
    },
  };
}

/** The keys every target has, with the kind's own defaults, plus the kind's own keys. */
export function targetSchema(def: Source): ConfigSchema {
  return {
    name: { doc: 'Unique name of the target within its kind; the `target` label', format: 'target-name', default: def.kind },
    baseUrl: { doc: 'Base URL of the upstream API', format: 'optional-url', default: '' },
    interval: { doc: 'Time between the starts of two collection cycles', format: 'duration', default: def.defaults.interval ?? '1m' },
    timeout: { doc: 'Connect, headers and body timeout of each upstream request', format: 'duration', default: '30s' },
    cycleTimeout: { doc: 'Deadline of a whole cycle; "" means the interval', format: 'optional-duration', default: '' },
    concurrency: { doc: 'Upstream requests in flight at once', format: 'positive-int', default: def.defaults.concurrency ?? 8 },
    requestsPerSecond: { doc: 'Upstream request rate limit; 0 means none', format: 'non-negative-number', default: 0 },
    retries: { doc: 'Retries of a request after a network error, 429 or 5xx', format: 'nat', default: 3 },
    maxResponseBytes: { doc: 'Largest upstream response body accepted', format: 'positive-int', default: 32 * 1024 * 1024 },
    tls: {
      caFile: { doc: 'PEM file of the CA that signed the upstream certificate', format: String, default: '' },
      insecureSkipVerify: { doc: 'Skip TLS certificate verification (logged as a warning)', format: 'bool', default: false },
    },
    ...def.schema,
  };
}
