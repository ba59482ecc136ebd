import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer, ServerOptions } from 'node:https';
import type { Socket } from 'node:net';
import { Server as TlsServer, TLSSocket } from 'node:tls';
import { isDeepStrictEqual } from 'node:util';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../log.js';
import { BasicAuth, type BasicAuthOptions } from './basic-auth.js';
import { clientCertCheck, type ClientCertCheck } from './client-cert.js';
import { loadWebConfig, type PemSource, type WebConfig } from './config.js';
import { TokenBucket } from './rate-limit.js';
import { CertificateReloader, httpsServerOptions, type ReloadOptions, type ReloadResult } from './tls.js';
import type { Secret } from './secret.js';
import { readTlsMaterial } from './tls-material.js';
import { tlsVersionRank } from './tls-names.js';

export interface WebSecurityOptions extends BasicAuthOptions {
  /**
   * Fastify route patterns served without basic auth and without the rate
   * limit, so that a liveness probe needs no password and is never turned
   * away. TLS, client certificates included, applies to them as to any route.
   * Default ['/healthz'].
   */
  publicRoutes?: readonly string[];
  reload?: ReloadOptions;
  /** Realm of the WWW-Authenticate challenge. */
  realm?: string;
}

/** What to do with a request: serve it, answer it with an error, or drop its connection (a client certificate refused). */
export type Verdict =
  | { kind: 'allow'; user?: string }
  | { kind: 'refuse'; status: 401 | 429; headers: Record<string, string>; error: string; message: string }
  | { kind: 'drop'; reason: string };

export interface WebSecurity {
  /** The web config in force: the one read at start, or the last one update() took. */
  readonly config: WebConfig;
  /** For Fastify({ https }) or https.createServer; undefined when the web config has no TLS (plain HTTP). */
  readonly https: ServerOptions | undefined;
  /** Whether basic_auth_users guards the routes, for precedence with other auth settings. */
  readonly basicAuth: boolean;
  /** Response headers from http_server_config.headers, for every response (401 and 429 too). */
  readonly headers: Readonly<Record<string, string>>;
  /** Decides on a request; framework-free. A public route skips basic auth and the rate limit. */
  check(req: IncomingMessage, opts?: { publicRoute?: boolean }): Promise<Verdict>;
  /** Fastify onRequest hook: headers, client certificate, rate limit, basic auth. A function, to be passed as it is. */
  onRequest: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /**
   * Hooks the listening server: drops connections whose client certificate
   * the client_auth_type refuses, before any request is read, and starts
   * following the certificate files. Call once, with app.server.
   */
  attach(server: HttpServer | HttpsServer): void;
  /** onRequest hook + attach(app.server) + close on app.close(): the whole wiring for a Fastify app. */
  install<S extends HttpServer | HttpsServer>(app: FastifyInstance<S>): void;
  /** Re-reads the certificate files now (e.g. on SIGHUP); they are also followed on their own once attached. */
  reloadCertificates(): ReloadResult;
  /**
   * Whether a web config read again has other TLS settings than the running
   * ones, which a listening server cannot take (the certificate files
   * themselves are followed on their own).
   */
  tlsChanged(next: WebConfig): boolean;
  /**
   * Takes a web config read again (on a config reload): its users, headers
   * and rate limit apply to the next request, as exporter-toolkit reads them
   * per request. Its TLS settings are not taken: see tlsChanged().
   */
  update(next: WebConfig): void;
  /** Stops following the certificate files. */
  close(): void;
}

/** loadWebConfig + createWebSecurity: the --web.config.file path. Throws WebConfigError. */
export function loadWebSecurity(file: string, log: Logger, opts: WebSecurityOptions = {}): WebSecurity {
  return createWebSecurity(loadWebConfig(file), log, opts);
}

/** Throws WebConfigError if the TLS files no longer load (they were checked when the config was read). */
export function createWebSecurity(config: WebConfig, log: Logger, opts: WebSecurityOptions = {}): WebSecurity {
  const tls = config.tls;
  const material = tls ? readTlsMaterial(tls) : undefined;
  const reloader = tls && material ? new CertificateReloader(tls, material, log, opts.reload) : undefined;
  const certCheck: ClientCertCheck | undefined = tls ? clientCertCheck(tls.clientAuthType, tls.clientAllowedSans) : undefined;
  let current = config;
  let auth = new BasicAuth(config.users, opts);
  let limiter = rateLimiter(config);
  const publicRoutes = new Set(opts.publicRoutes ?? ['/healthz']);
  const realm = opts.realm ?? 'capacity-exporter';
  let headers = Object.freeze({ ...config.headers });

  describe(config, material?.summary, log);

  // A connection's client certificate cannot change: judged once, at the handshake or at its first request.
  const approved = new WeakSet<TLSSocket>();
  const refuses = (socket: Socket): string | undefined => {
    if (!certCheck || !(socket instanceof TLSSocket) || approved.has(socket)) return undefined;
    const refusal = certCheck(socket);
    if (!refusal) approved.add(socket);
    return refusal;
  };

  const check = async (req: IncomingMessage, o: { publicRoute?: boolean } = {}): Promise<Verdict> => {
    const refusal = refuses(req.socket);
    if (refusal) return { kind: 'drop', reason: refusal };
    if (o.publicRoute) return { kind: 'allow' };
    const token = limiter?.take();
    if (token && !token.ok) {
      return {
        kind: 'refuse',
        status: 429,
        headers: { 'retry-after': String(Math.max(1, Math.ceil(token.retryAfterMs / 1000))) },
        error: 'too_many_requests',
        message: 'rate limit exceeded',
      };
    }
    if (!auth.enabled) return { kind: 'allow' };
    const user = await auth.authenticate(req.headers.authorization);
    if (user !== undefined) return { kind: 'allow', user };
    return {
      kind: 'refuse',
      status: 401,
      headers: { 'www-authenticate': `Basic realm="${realm}", charset="UTF-8"` },
      error: 'unauthorized',
      message: 'valid credentials are required',
    };
  };

  const onRequest = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    // On the raw response, so that routes that hijack the reply and write it themselves get them too.
    for (const [name, value] of Object.entries(headers)) reply.raw.setHeader(name, value);
    const verdict = await check(req.raw, { publicRoute: publicRoutes.has(req.routeOptions.url ?? '') });
    if (verdict.kind === 'allow') return;
    if (verdict.kind === 'drop') {
      log.info({ remote: req.socket.remoteAddress, reason: verdict.reason }, 'client certificate refused');
      reply.hijack();
      req.raw.socket.destroy();
      return;
    }
    await reply.code(verdict.status).headers(verdict.headers).send({ error: verdict.error, message: verdict.message });
  };

  let attached: HttpsServer | undefined;
  const attach = (server: HttpServer | HttpsServer): void => {
    if (attached === server || !tls) return;
    if (!(server instanceof TlsServer)) {
      throw new Error('the web config enables TLS but the server is plain HTTP: create it with the `https` options of createWebSecurity()');
    }
    attached = server;
    if (certCheck) {
      // Before the HTTP layer's own listener, so that a refused client never gets a request parsed.
      server.prependListener('secureConnection', (socket: TLSSocket) => {
        const refusal = refuses(socket);
        if (!refusal) return;
        log.info({ remote: socket.remoteAddress, reason: refusal }, 'client certificate refused');
        socket.destroy();
      });
    }
    server.on('tlsClientError', (err: Error & { code?: string }, socket: TLSSocket) => {
      log.debug({ remote: socket.remoteAddress, code: err.code, reason: err.message.split('\n')[0] }, 'TLS handshake failed');
      socket.destroy();
    });
    reloader?.attach(server);
  };

  const update = (next: WebConfig): void => {
    // A user list unchanged keeps its cache of checked passwords.
    if (!sameUsers(current.users, next.users)) auth = new BasicAuth(next.users, opts);
    if (!isDeepStrictEqual(current.rateLimit, next.rateLimit)) limiter = rateLimiter(next);
    headers = Object.freeze({ ...next.headers });
    current = { ...next, tls: current.tls };
  };

  return {
    get config() {
      return current;
    },
    https: tls && material ? httpsServerOptions(tls, material) : undefined,
    get basicAuth() {
      return auth.enabled;
    },
    get headers() {
      return headers;
    },
    check,
    onRequest,
    attach,
    install(app) {
      attach(app.server);
      app.addHook('onRequest', onRequest);
      app.addHook('onClose', (_instance, done) => {
        reloader?.close();
        done();
      });
    },
    reloadCertificates: () => reloader?.reload() ?? 'unchanged',
    tlsChanged: (next) => !isDeepStrictEqual(tlsSettings(current), tlsSettings(next)),
    update,
    close: () => reloader?.close(),
  };
}

function rateLimiter(config: WebConfig): TokenBucket | undefined {
  return config.rateLimit ? new TokenBucket(config.rateLimit.intervalMs, config.rateLimit.burst) : undefined;
}

/** The TLS settings as comparable values: inline PEM (a Secret) by its text, files by their path. */
function tlsSettings(config: WebConfig): unknown {
  const tls = config.tls;
  if (!tls) return undefined;
  const pem = (source: PemSource | undefined) => source && { file: source.file, inline: source.inline?.reveal() };
  return { ...tls, cert: pem(tls.cert), key: pem(tls.key), clientCa: pem(tls.clientCa) };
}

function sameUsers(a: ReadonlyMap<string, Secret>, b: ReadonlyMap<string, Secret>): boolean {
  return a.size === b.size && [...a].every(([user, hash]) => b.get(user)?.reveal() === hash.reveal());
}

/** One start-up line saying what the web config turned on, as exporter-toolkit logs "TLS is enabled". */
function describe(config: WebConfig, cert: { subject: string; serial: string; validTo: string } | undefined, log: Logger): void {
  const tls = config.tls;
  log.info(
    {
      webConfig: config.file,
      tls: !!tls,
      ...(tls && cert ? { certificate: cert, clientAuthType: tls.clientAuthType, minVersion: tls.minVersion, maxVersion: tls.maxVersion } : {}),
      basicAuthUsers: config.users.size,
      rateLimit: config.rateLimit ?? false,
    },
    tls ? 'TLS is enabled' : 'TLS is disabled',
  );
  if (tls && tlsVersionRank(tls.minVersion) < tlsVersionRank('TLS12')) {
    log.warn({ minVersion: tls.minVersion }, 'TLS 1.0 and 1.1 are allowed: OpenSSL security level lowered to 0 to serve them');
  }
  if (config.http2) log.info('http_server_config.http2: this exporter serves HTTP/1.1 only; Prometheus scrapes it the same');
}
