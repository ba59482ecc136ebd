import { Agent } from 'undici';
import type { Histogram } from 'prom-client';
import type { Logger } from '../log.js';
import type { SelfMetrics } from './selfmetrics.js';
import type { AuthProvider, Headers } from './auth/provider.js';
import { backoffDelay, parseRetryAfter, sleep } from './retry.js';
import { AbortFanout, type Cancellable } from './abort-fanout.js';
import { Exchange, type RawResponse } from './exchange.js';
import { HttpError, RequestError, type RequestErrorCode } from './http-errors.js';
import { toError } from './series.js';
import type { RequestTally } from './request-tally.js';
import type { QueueTicket } from './request-fifo.js';
import { requestGate, type RequestGate } from './request-gate.js';

export type QueryValue = string | number | boolean | undefined | null | Array<string | number>;

export interface HttpClientOptions {
  source: string;
  target: string;
  /** Prefix of every `path`; requests with an absolute `url` ignore it. */
  baseUrl?: string;
  /** Connect, headers and body timeout of each attempt. */
  timeoutMs: number;
  retries: number;
  maxResponseBytes: number;
  concurrency: number;
  /** 0 = unlimited. */
  requestsPerSecond: number;
  ca?: string | Buffer;
  insecureSkipVerify?: boolean;
  metrics: SelfMetrics;
  log: Logger;
  retryBaseMs?: number;
  retryMaxMs?: number;
  userAgent?: string;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  /** Appended to the base URL. */
  path?: string;
  /** An absolute URL, for endpoints outside the base (token URLs, catalog endpoints). */
  url?: string;
  /** Route template for metrics: `/groups`, `/metrics/query/irn/:irn/:region/run`. Never a concrete id. */
  route: string;
  /** Values are URL-encoded (so `+` in a timestamp becomes %2B); arrays repeat the key. */
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  auth?: AuthProvider | null;
  signal?: AbortSignal;
  /**
   * Unix time in ms: no attempt or backoff wait goes past it. A caller that
   * also gives a `signal` aborts it by then (the scheduler's cycle signal
   * does), and that ends an attempt in flight; without a signal, each attempt
   * keeps its own timer.
   */
  deadline?: number;
  /** Replaces JSON.parse, e.g. for bodies with bare NaN tokens. */
  parse?: (text: string) => unknown;
  /** Token requests bypass the queue so that waiting requests cannot starve them. */
  queue?: boolean;
}

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  data: T;
}

export { HttpError, RequestError } from './http-errors.js';

const RETRYABLE_ERRORS = new Set<RequestErrorCode>(['timeout', 'network']);

const NO_HEADERS: Headers = Object.freeze({});

/** One per target: a keep-alive pool, a request queue with its concurrency and rate, retries, metrics. */
export class HttpClient {
  private readonly agent: Agent;
  private readonly gate: RequestGate;
  private readonly fanout = new AbortFanout();
  private readonly base?: { origin: string; path: string };
  private readonly labels: { source: string; target: string };
  private readonly durations = new Map<string, Histogram.Internal<'source' | 'target' | 'endpoint'>>();
  private readonly tally: RequestTally;

  constructor(private readonly opts: HttpClientOptions) {
    this.labels = { source: opts.source, target: opts.target };
    this.tally = opts.metrics.requestTally(opts.source, opts.target);
    if (opts.baseUrl) {
      const base = new URL(opts.baseUrl);
      this.base = { origin: base.origin, path: base.pathname.replace(/\/+$/, '') };
    }
    this.agent = new Agent({
      connect: {
        timeout: opts.timeoutMs,
        ca: opts.ca,
        rejectUnauthorized: !opts.insecureSkipVerify,
      },
      keepAliveTimeout: 30_000,
      connections: opts.concurrency + 2,
    });
    this.gate = requestGate(opts.concurrency, opts.requestsPerSecond);
    if (opts.insecureSkipVerify) {
      opts.log.warn({ source: opts.source, target: opts.target }, 'TLS certificate verification is disabled (tls.insecureSkipVerify)');
    }
  }

  async request<T = unknown>(req: RequestOptions): Promise<JsonResponse<T>> {
    const call = new Call(req.route);
    const { signal } = req;
    if (signal) this.fanout.add(signal, call);
    // The retry loop is written out here rather than in a method of its own: one async function per request, not two.
    try {
      const url = this.resolve(req);
      const deadline = req.deadline ?? Number.POSITIVE_INFINITY;
      let authRetried = false;
      let attempt = 0;
      for (;;) {
        // Headers are fetched once the request leaves the queue: a token fetched
        // before a long wait in a backlog could expire before it is used.
        let authHeaders: Headers = NO_HEADERS;
        let outcome: RawResponse | RequestError;
        try {
          outcome = await this.enqueue(req, call, () => {
            const got = req.auth ? req.auth.headers({ signal: req.signal }) : NO_HEADERS;
            if (got instanceof Promise) return got.then((h) => this.attempt(url, req, call, (authHeaders = h), deadline));
            authHeaders = got;
            return this.attempt(url, req, call, got, deadline);
          });
        } catch (err) {
          if (!(err instanceof RequestError)) throw err;
          outcome = err;
        }
        if (!(outcome instanceof RequestError) && outcome.status === 401 && req.auth && !authRetried) {
          req.auth.invalidate(authHeaders);
          authRetried = true;
          continue;
        }
        const retryable = outcome instanceof RequestError ? RETRYABLE_ERRORS.has(outcome.code) : outcome.status === 429 || outcome.status >= 500;
        if (retryable && attempt < this.opts.retries) {
          const hinted = outcome instanceof RequestError ? undefined : parseRetryAfter(outcome.headers['retry-after']);
          const wait = hinted ?? backoffDelay(attempt, this.opts.retryBaseMs ?? 200, this.opts.retryMaxMs ?? 10_000);
          if (Date.now() + wait < deadline) {
            this.opts.log.debug({ ...this.labels, route: req.route, attempt, wait }, 'retrying upstream request');
            attempt += 1;
            await sleep(wait, req.signal);
            continue;
          }
        }
        if (outcome instanceof RequestError) throw outcome;
        return this.finish<T>(outcome, req);
      }
    } catch (err) {
      // Aborts surface from a backoff wait or a token wait as the signal's reason.
      if (signal?.aborted && !(err instanceof RequestError))
        throw new RequestError('aborted', req.route, `cancelled (${toError(signal.reason).message})`, { cause: err });
      throw err;
    } finally {
      if (signal) this.fanout.remove(signal, call);
    }
  }

  /** Callers abort their signals first (the scheduler does on shutdown), so no queued request is left waiting. */
  async close(): Promise<void> {
    await this.agent.close();
    this.opts.metrics.releaseTally(this.tally);
  }

  /**
   * Runs `fn` in its turn (at once for `queue: false`); a cancelled call
   * rejects at once, wherever it is, and is dropped from the queue.
   */
  private enqueue<R>(req: RequestOptions, call: Call, fn: () => Promise<R>): Promise<R> {
    if (call.reason) return Promise.reject(call.reason);
    return new Promise<R>((resolve, reject) => {
      call.interrupt = reject;
      if (req.queue === false) fn().then(resolve, reject);
      else this.gate.run(fn, call, req.route, resolve, reject);
    });
  }

  private finish<T>(res: RawResponse, req: RequestOptions): JsonResponse<T> {
    const body = parseLenient(res.text, req.parse);
    if (res.status < 200 || res.status >= 300) {
      throw new HttpError(res.status, req.route, body.ok ? body.value : undefined, res.text);
    }
    if (!body.ok) {
      throw new RequestError('bad_json', req.route, `response is not valid JSON: ${body.error}`);
    }
    return { status: res.status, headers: res.headers, data: body.value as T };
  }

  /** Origin and path with query, as the dispatcher takes them; no URL object per request. */
  private resolve(req: RequestOptions): { origin: string; path: string } {
    let origin: string;
    let path: string;
    if (req.url) {
      const url = new URL(req.url);
      origin = url.origin;
      path = url.pathname + url.search;
    } else {
      if (!this.base) throw new Error(`${req.route}: no baseUrl configured`);
      origin = this.base.origin;
      path = this.base.path + '/' + withoutLeadingSlashes(req.path ?? '');
      // Callers encode their path segments; anything else goes through URL's own normalisation.
      if (UNSAFE_PATH.test(path)) {
        const url = new URL(path, origin);
        path = url.pathname + url.search;
      }
    }
    const query = encodeQuery(req.query);
    if (query) path += (path.includes('?') ? '&' : '?') + query;
    return { origin, path };
  }

  private attempt(url: { origin: string; path: string }, req: RequestOptions, call: Call, authHeaders: Headers, deadline: number): Promise<RawResponse> {
    if (call.reason) return Promise.reject(call.reason);
    const remaining = deadline - Date.now();
    if (remaining <= 0) return Promise.reject(new RequestError('aborted', req.route, 'cycle deadline reached'));
    // Copied key by key: object spread goes through a slow runtime path, on every request.
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.opts.userAgent ?? 'capacity-exporter' };
    for (const key in req.headers) headers[key] = req.headers[key]!;
    for (const key in authHeaders) headers[key] = authHeaders[key]!;
    let body: string | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] = 'application/json';
    } else if (req.form) {
      body = new URLSearchParams(req.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const started = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const exchange = new Exchange(this.agent, {
      origin: url.origin,
      path: url.path,
      method: req.method ?? 'GET',
      headers,
      body,
      timeoutMs: this.opts.timeoutMs,
      maxResponseBytes: this.opts.maxResponseBytes,
      route: req.route,
      // Called as `done` settles, before its awaiters resume: no promise of its own per request.
      onSettled: (code) => {
        clearTimeout(timer);
        call.exchange = undefined;
        this.duration(req.route).observe((performance.now() - started) / 1000);
        this.tally.count(req.route, code);
      },
    });
    if (exchange.isSettled) return exchange.done;
    call.exchange = exchange;
    // A caller's signal ends the attempt at its deadline (the scheduler's cycle
    // signal does); without one, the attempt keeps its own time.
    if (!req.signal && Number.isFinite(remaining)) {
      timer = setTimeout(() => exchange.abort(new RequestError('aborted', req.route, 'cycle deadline reached')), Math.min(remaining, 2 ** 31 - 1));
    }
    return exchange.done;
  }

  /** prom-client's duration child of a route, made once: the label lookup costs more than the update. */
  private duration(route: string): Histogram.Internal<'source' | 'target' | 'endpoint'> {
    let child = this.durations.get(route);
    if (!child) this.durations.set(route, (child = this.opts.metrics.upstreamDuration.labels({ ...this.labels, endpoint: route })));
    return child;
  }
}

/** Bytes a request path may hold as they are; anything else (spaces, non-ASCII) needs encoding. */
const UNSAFE_PATH = /[^!-~]/;
const NOT_BLANK = /\S/;

/** A scan, not a regular expression: it runs on every request path. */
function withoutLeadingSlashes(path: string): string {
  let i = 0;
  while (path.charCodeAt(i) === 47) i++;
  return i === 0 ? path : path.slice(i);
}

/** Values URL-encoded, arrays as repeated keys, undefined and null left out. */
function encodeQuery(query: RequestOptions['query']): string {
  let out = '';
  for (const key in query) {
    const value = query[key];
    if (value === undefined || value === null) continue;
    const name = encodeURIComponent(key);
    for (const v of Array.isArray(value) ? value : [value]) out += `${out ? '&' : ''}${name}=${encodeURIComponent(String(v))}`;
  }
  return out;
}

function parseLenient(text: string, parse?: (t: string) => unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  if (!NOT_BLANK.test(text)) return { ok: true, value: undefined };
  try {
    return { ok: true, value: (parse ?? JSON.parse)(text) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** One request through its retries: what its caller's abort must stop, wherever the request is. */
class Call implements Cancellable, QueueTicket {
  fanoutSlot?: number;
  reason?: RequestError;
  /** Rejects the current wait for the queue and the attempt. */
  interrupt?: (err: RequestError) => void;
  exchange?: Exchange;

  constructor(private readonly route: string) {}

  get abandoned(): boolean {
    return this.reason !== undefined;
  }

  cancel(reason: unknown): void {
    // An upstream that accepted the request and never answered (a server that
    // died on it) must be told from a cycle that was simply over.
    const why = reason instanceof Error ? reason.message : String(reason);
    const waited = this.exchange?.awaitingResponseMs();
    const message = waited === undefined ? `cancelled (${why})` : `no response after ${Math.round(waited)} ms, then cancelled (${why})`;
    this.reason ??= new RequestError('aborted', this.route, message, { cause: reason });
    this.interrupt?.(this.reason);
    this.exchange?.abort(this.reason);
  }
}
