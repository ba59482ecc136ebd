import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ServerConfig } from './config/load.js';
import { CONTENT_TYPE } from './core/exposition.js';
import type { SelfMetrics } from './core/selfmetrics.js';
import type { SnapshotStore } from './core/snapshot.js';
import { landingPage } from './landing.js';
import type { Logger } from './log.js';
import type { ReloadOutcome } from './reload.js';
import { ServerAuth } from './server-auth.js';
import type { WebSecurity } from './web/index.js';

export interface ServerDeps {
  config: ServerConfig;
  store: SnapshotStore;
  metrics: SelfMetrics;
  log: Logger;
  version: string;
  /** `server.auth`, if a reload may change it; made from `config.auth` otherwise. */
  auth?: ServerAuth;
  /** Behind `POST /-/reload`; absent when the exporter has no file to reload. */
  reload?: (trigger: string) => Promise<ReloadOutcome>;
  /** The --web.config.file: TLS, bcrypt users, headers, rate limit. */
  web?: WebSecurity;
}

export type ExporterServer = FastifyInstance | FastifyInstance<HttpsServer>;

const ROUTES: Record<string, string[]> = {
  '/': ['GET', 'HEAD'],
  '/metrics': ['GET', 'HEAD'],
  '/healthz': ['GET', 'HEAD'],
  '/readyz': ['GET', 'HEAD'],
  '/-/reload': ['POST', 'PUT'],
};

/** The HTTP face of the exporter: it serves what the store holds and never calls an upstream. */
export function buildServer(deps: ServerDeps): ExporterServer {
  const options = { logger: false, return503OnClosing: true, forceCloseConnections: true } as const;
  const https = deps.web?.https;
  return https ? routes(Fastify({ ...options, https }), deps) : routes(Fastify(options), deps);
}

function routes<S extends HttpServer | HttpsServer>(app: FastifyInstance<S>, deps: ServerDeps): FastifyInstance<S> {
  deps.web?.install(app);
  const auth = deps.auth ?? new ServerAuth(deps.config.auth);

  app.addHook('onRequest', async (req, reply) => {
    if (!auth.enabled || req.url === '/healthz' || req.url.startsWith('/healthz?')) return;
    if (auth.allows(req.headers.authorization)) return;
    return reply.code(401).header('www-authenticate', auth.challenge).send({ error: 'unauthorized', message: 'valid credentials are required' });
  });

  app.get('/metrics', (req, reply) => serveMetrics(req, reply, deps));

  app.get('/healthz', () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    const pending = deps.store
      .targets()
      .filter((t) => !t.firstCycleDone)
      .map((t) => t.id);
    if (pending.length) return reply.code(503).send({ status: 'pending', pending });
    return { status: 'ready' };
  });

  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(landingPage(deps.store.targets(), deps.version)));

  const reload = deps.reload;
  app.route({
    method: ['POST', 'PUT'],
    url: '/-/reload',
    handler: async (_req, reply) => {
      if (!reload) return reply.code(501).send({ error: 'not_implemented', message: 'this exporter was not started from a config file it could read again' });
      const outcome = await reload('POST /-/reload');
      if (!outcome.ok)
        return reply
          .code(500)
          .send({ status: 'error', message: 'the new configuration is invalid; the previous one keeps running', problems: outcome.problems });
      return { status: 'success', ...outcome.changes, notApplied: outcome.notApplied };
    },
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    const allowed = ROUTES[path];
    if (allowed) {
      return reply
        .code(405)
        .header('allow', allowed.join(', '))
        .send({ error: 'method_not_allowed', message: `${req.method} is not allowed on ${path}; use ${allowed.join(' or ')}` });
    }
    return reply.code(404).send({ error: 'not_found', message: `no route ${path}; see / for what this exporter serves` });
  });

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) deps.log.error({ err, url: req.url }, 'request failed');
    return reply.code(status).send({ error: status === 500 ? 'internal_error' : 'bad_request', message: status === 500 ? 'internal error' : err.message });
  });

  return app;
}

/**
 * The self-metrics are compressed again on every scrape. With zlib's defaults
 * each scrape allocates and frees about 256 kB of window and hash tables,
 * ten times a second under a Prometheus pair, for a text of some tens of
 * kilobytes. These tables take about 30 kB. On 55 kB of self-metrics the
 * answer is 4.3 kB instead of 3.7 kB.
 */
const SELF_GZIP = { level: 1, memLevel: 4, windowBits: 12 } as const;

/**
 * Writes the cached text of every source kind, then the live self-metrics.
 * Gzip answers are concatenated gzip members (RFC 1952 allows it, Prometheus
 * reads it), so the cached kinds are never compressed again per scrape.
 */
async function serveMetrics(req: FastifyRequest, reply: FastifyReply, deps: ServerDeps): Promise<void> {
  const self = Buffer.from(await deps.metrics.render(), 'utf8');
  const useGzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
  const cached = deps.store.cached();
  const chunks = useGzip
    ? [...cached.map((c) => c.gzip).filter((b) => b.length), gzipSync(self, SELF_GZIP)]
    : [...(await Promise.all(cached.map((c) => c.plain()))), self];
  const length = chunks.reduce((n, c) => n + c.length, 0);
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': CONTENT_TYPE,
    'content-length': length,
    'cache-control': 'no-store',
    vary: 'accept-encoding',
    ...(useGzip ? { 'content-encoding': 'gzip' } : {}),
  });
  for (const c of chunks) if (c.length) res.write(c);
  res.end();
}
