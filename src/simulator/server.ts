import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import { createRng } from './rng.js';
import { setTimeout as delay } from 'node:timers/promises';

/** Faults a simulator injects into every request, changeable while it runs. */
export interface FaultOptions {
  /** Time from a request's arrival to its answer. */
  latencyMs?: number;
  /** Share of requests answered 500. */
  errorRate?: number;
  /** Share of requests answered 429 with Retry-After: `retryAfterSeconds`. */
  tooManyRate?: number;
  retryAfterSeconds?: number;
  /** Requests whose path matches answer with this status (and an error body from `errorBody`). */
  failPaths?: Array<{ pattern: RegExp; status: number }>;
  /** Requests whose path matches get their connection destroyed without an answer. */
  resetPaths?: RegExp[];
}

export interface SimRequest {
  method: string;
  path: string;
  params: Record<string, string | undefined>;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** JSON or form body, parsed; undefined when there was none. */
  body: unknown;
  rawBody: string;
}

export interface SimResponse {
  status?: number;
  body?: unknown;
  /** A body sent as is instead of JSON-encoding `body`. */
  raw?: string;
  headers?: Record<string, string>;
  /** No answer at all: the connection is dropped, as a server that crashes on the request does. */
  reset?: boolean;
}

export type SimHandler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

export interface SimServerOptions {
  seed?: number;
  faults?: FaultOptions;
  /** The upstream's own error body for a status, so injected faults look like the real API's. */
  errorBody?: (status: number, message: string) => unknown;
}

/**
 * A loopback HTTP server with a router and fault injection: the base of every
 * upstream simulator. Records what it was asked so tests can check the calls.
 */
export class SimServer {
  readonly rng: () => number;
  faults: FaultOptions;
  /** Every request as `METHOD path`, with its headers, in arrival order (bounded). */
  readonly log: Array<{ method: string; path: string; url: string; headers: IncomingMessage['headers'] }> = [];
  maxLog = 10_000;
  private readonly router = FindMyWay({
    ignoreTrailingSlash: true,
    defaultRoute: (_req, res) => send(res, { status: 404, body: this.errorBody(404, 'not found') }),
  });
  private readonly server: Server;
  private readonly errorBody: (status: number, message: string) => unknown;
  private baseUrl = '';

  constructor(opts: SimServerOptions = {}) {
    this.rng = createRng(opts.seed ?? 1);
    this.faults = { ...opts.faults };
    this.errorBody = opts.errorBody ?? ((status, message) => ({ status, message }));
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
  }

  route(method: HTTPMethod | HTTPMethod[], path: string, handler: SimHandler): void {
    this.router.on(method, path, (req, res, params) => {
      void this.run(handler, req as ParsedRequest, res, params);
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    return this.baseUrl;
  }

  get url(): string {
    return this.baseUrl;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Requests so far whose path matches. */
  hits(pattern: RegExp | string): number {
    return this.log.filter((r) => (typeof pattern === 'string' ? r.path === pattern : pattern.test(r.path))).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const f = this.faults;
    // The answer leaves `latencyMs` after the request arrived, however long the simulator took to make it.
    if (f.latencyMs) dueAt.set(res, performance.now() + f.latencyMs);
    const chunks: Buffer[] = [];
    if (req.headers['content-length'] || req.headers['transfer-encoding']) {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    }
    const url = new URL(req.url ?? '/', 'http://sim');
    if (this.log.length < this.maxLog) this.log.push({ method: req.method ?? 'GET', path: url.pathname, url: req.url ?? '/', headers: req.headers });
    if (f.resetPaths?.some((p) => p.test(url.pathname))) {
      await untilDue(res);
      req.socket.destroy();
      return;
    }
    const failed = f.failPaths?.find((p) => p.pattern.test(url.pathname));
    if (failed) {
      send(res, { status: failed.status, body: this.errorBody(failed.status, 'injected failure') });
      return;
    }
    if (f.tooManyRate && this.rng() < f.tooManyRate) {
      send(res, {
        status: 429,
        headers: { 'retry-after': String(f.retryAfterSeconds ?? 1) },
        body: this.errorBody(429, 'too many requests'),
      });
      return;
    }
    if (f.errorRate && this.rng() < f.errorRate) {
      send(res, { status: 500, body: this.errorBody(500, 'injected error') });
      return;
    }
    Object.assign(req, { rawBody: Buffer.concat(chunks).toString('utf8'), parsedUrl: url });
    this.router.lookup(req, res);
  }

  private async run(handler: SimHandler, req: ParsedRequest, res: ServerResponse, params: Record<string, string | undefined>): Promise<void> {
    const url = req.parsedUrl;
    let body: unknown;
    const type = req.headers['content-type'] ?? '';
    if (req.rawBody) {
      try {
        body = type.includes('application/x-www-form-urlencoded') ? Object.fromEntries(new URLSearchParams(req.rawBody)) : JSON.parse(req.rawBody);
      } catch {
        send(res, { status: 400, body: this.errorBody(400, 'malformed request body') });
        return;
      }
    }
    try {
      const out = await handler({
        method: req.method ?? 'GET',
        path: url.pathname,
        params,
        query: url.searchParams,
        headers: req.headers,
        body,
        rawBody: req.rawBody,
      });
      send(res, out);
    } catch (err) {
      send(res, { status: 500, body: this.errorBody(500, (err as Error).message) });
    }
  }
}

type ParsedRequest = IncomingMessage & { rawBody: string; parsedUrl: URL };

/** When each answer is due, for simulators with latency. */
const dueAt = new WeakMap<ServerResponse, number>();

function untilDue(res: ServerResponse): Promise<void> | undefined {
  const wait = (dueAt.get(res) ?? 0) - performance.now();
  return wait > 0 ? delay(wait) : undefined;
}

function send(res: ServerResponse, out: SimResponse): void {
  if (out.reset) {
    res.socket?.destroy();
    return;
  }
  const text = out.raw ?? (out.body === undefined ? '' : JSON.stringify(out.body));
  const write = () => {
    res.writeHead(out.status ?? 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...out.headers });
    res.end(text);
  };
  const wait = untilDue(res);
  if (wait) void wait.then(write);
  else write();
}
