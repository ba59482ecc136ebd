import { writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders, type Server as HttpServer } from 'node:http';
import { request as httpsRequest, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { connect, type PeerCertificate, type SecureVersion } from 'node:tls';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Test } from 'tap';
import { captureLogger } from '../helpers/log.js';
import { loadWebSecurity, type WebSecurity, type WebSecurityOptions } from '../../src/web/security.js';

export interface Served {
  url: string;
  port: number;
  security: WebSecurity;
  log: ReturnType<typeof captureLogger>;
}

/**
 * A small Fastify app behind the web config `yaml` (written to `dir`, so that
 * relative paths in it resolve there): /metrics, /healthz, and /raw, a route
 * that hijacks its reply and writes it itself, as the exporter's /metrics does.
 */
export async function serve(t: Test, dir: string, yaml: string, opts: WebSecurityOptions = {}): Promise<Served> {
  const file = join(dir, `web-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(file, yaml);
  const log = captureLogger('debug');
  const security = loadWebSecurity(file, log.log, opts);
  const app = security.https
    ? routes(Fastify({ https: security.https, forceCloseConnections: true }), security)
    : routes(Fastify({ forceCloseConnections: true }), security);
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  const port = (app.server.address() as AddressInfo).port;
  return { url: `${security.https ? 'https' : 'http'}://127.0.0.1:${port}`, port, security, log };
}

function routes<S extends HttpServer | HttpsServer>(app: FastifyInstance<S>, security: WebSecurity): FastifyInstance<S> {
  security.install(app);
  app.get('/metrics', async () => 'up 1\n');
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/raw', (_req, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/plain' });
    reply.raw.end('raw\n');
  });
  return app;
}

export interface ClientOptions {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  headers?: Record<string, string>;
  maxVersion?: SecureVersion;
}

export interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request on a fresh connection (no keep-alive), so each sees the server's current TLS context. */
export function get(url: string, opts: ClientOptions = {}): Promise<Response> {
  const tls = url.startsWith('https:');
  const send = tls ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { agent: false, headers: opts.headers, ...(tls ? { ca: opts.ca, cert: opts.cert, key: opts.key, maxVersion: opts.maxVersion } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

/** A bare TLS handshake: the certificate the server presents and the protocol agreed. */
export function handshake(
  port: number,
  opts: { ca: Buffer; minVersion?: SecureVersion; maxVersion?: SecureVersion; ciphers?: string },
): Promise<{ cert: PeerCertificate; protocol: string | null; cipher: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ...opts }, () => {
      const out = { cert: socket.getPeerCertificate(), protocol: socket.getProtocol(), cipher: socket.getCipher().standardName };
      socket.end();
      resolve(out);
    });
    socket.on('error', reject);
  });
}
