import { Agent, request, errors as undiciErrors, type Dispatcher } from 'undici';
import PQueue from 'p-queue';
import type { Counter, Histogram } from 'prom-client';
import type { Logger } from '../log.js';
import type { SelfMetrics } from './selfmetrics.js';
import type { AuthProvider, Headers } from './auth/provider.js';
import { backoffDelay, parseRetryAfter, sleep } from './retry.js';

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
  /** Unix time in ms: no attempt or backoff wait goes past it. */
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

/** A non-2xx answer after retries; `body` is the parsed JSON error body when there was one. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly route: string,
    readonly body: unknown,
    text: string,
  ) {
    super(`${route}: HTTP ${status}${text ? `: ${text.slice(0, 300)}` : ''}`);
    this.name = 'HttpError';
  }
}

export type RequestErrorCode = 'timeout' | 'network' | 'too_large' | 'bad_json' | 'aborted';

/** A request that got no usable answer: timeout, network error, oversized or unparsable body. */
export class RequestError extends Error {
  constructor(
    readonly code: RequestErrorCode,
    readonly route: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${route}: ${message}`, options);
    this.name = 'RequestError';
  }
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const RETRYABLE_ERRORS = new Set<RequestErrorCode>(['timeout', 'network']);

/** One per target: a keep-alive pool, a request queue with its concurrency and rate, retries, metrics. */
export class HttpClient {
  private readonly agent: Agent;
  private readonly queue: PQueue;
  private readonly labels: { source: string; target: string };
  /** prom-client children by route (and code): the label lookups cost more than the updates. */
  private readonly counters = new Map<string, Counter.Internal>();
  private readonly histograms = new Map<string, Histogram.Internal<'source' | 'target' | 'endpoint'>>();

  constructor(private readonly opts: HttpClientOptions) {
    this.labels = { source: opts.source, target: opts.target };
    this.agent = new Agent({
      connect: {
        timeout: opts.timeoutMs,
        ca: opts.ca,
        rejectUnauthorized: !opts.insecureSkipVerify,
      },
      keepAliveTimeout: 30_000,
      connections: opts.concurrency + 2,
    });
    this.queue = new PQueue({ concurrency: opts.concurrency, ...rateLimit(opts.requestsPerSecond) });
    if (opts.insecureSkipVerify) {
      opts.log.warn({ source: opts.source, target: opts.target }, 'TLS certificate verification is disabled (tls.insecureSkipVerify)');
    }
  }

  async request<T = unknown>(req: RequestOptions): Promise<JsonResponse<T>> {
    try {
      return await this.requestWithRetries<T>(req);
    } catch (err) {
      // Aborts surface from the queue, a backoff wait or a token wait as the signal's reason.
      if (req.signal?.aborted && !(err instanceof RequestError)) throw new RequestError('aborted', req.route, 'cancelled', { cause: err });
      throw err;
    }
  }

  private async requestWithRetries<T>(req: RequestOptions): Promise<JsonResponse<T>> {
    const url = this.buildUrl(req);
    const deadline = req.deadline ?? Number.POSITIVE_INFINITY;
    let authRetried = false;
    let attempt = 0;
    for (;;) {
      // Headers are fetched once the request leaves the queue: a token fetched
      // before a long wait in a backlog could expire before it is used.
      let authHeaders: Headers = {};
      let outcome: RawResponse | RequestError;
      try {
        outcome = await this.enqueue(req, async () => {
          if (req.auth) authHeaders = await req.auth.headers({ signal: req.signal });
          return this.attempt(url, req, authHeaders, deadline);
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
      const retryable = outcome instanceof RequestError
        ? RETRYABLE_ERRORS.has(outcome.code)
        : outcome.status === 429 || outcome.status >= 500;
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
  }

  /** Callers abort their signals first (the scheduler does on shutdown), so no queued request is left waiting. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  private enqueue<R>(req: RequestOptions, fn: () => Promise<R>): Promise<R> {
    if (req.queue === false) return fn();
    return this.queue.add(fn, { signal: req.signal }) as Promise<R>;
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

  private buildUrl(req: RequestOptions): URL {
    let url: URL;
    if (req.url) {
      url = new URL(req.url);
    } else {
      if (!this.opts.baseUrl) throw new Error(`${req.route}: no baseUrl configured`);
      url = new URL(this.opts.baseUrl.replace(/\/+$/, '') + '/' + (req.path ?? '').replace(/^\/+/, ''));
    }
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value === undefined || value === null) continue;
      for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(v));
    }
    return url;
  }

  private async attempt(url: URL, req: RequestOptions, authHeaders: Headers, deadline: number): Promise<RawResponse> {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new RequestError('aborted', req.route, 'cycle deadline reached');
    // One controller per attempt, its listener and timer released when the
    // attempt ends: AbortSignal.any and AbortSignal.timeout would leave a
    // little behind on the long-lived cycle signal for every request.
    const ctl = new AbortController();
    const signal = ctl.signal;
    const onAbort = () => ctl.abort(req.signal?.reason);
    req.signal?.addEventListener('abort', onAbort, { once: true });
    if (req.signal?.aborted) onAbort();
    const timer = Number.isFinite(remaining) ? setTimeout(() => ctl.abort(new Error('deadline reached')), Math.min(remaining, 2 ** 31 - 1)) : undefined;
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.opts.userAgent ?? 'capacity-exporter',
      ...req.headers,
      ...authHeaders,
    };
    let body: string | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] = 'application/json';
    } else if (req.form) {
      body = new URLSearchParams(req.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const started = process.hrtime.bigint();
    const observe = (code: string) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.requestCounter(req.route, code).inc();
      this.durationHistogram(req.route).observe(seconds);
    };
    try {
      const res = await request(url, {
        dispatcher: this.agent,
        method: req.method ?? 'GET',
        headers,
        body,
        signal,
        headersTimeout: this.opts.timeoutMs,
        bodyTimeout: this.opts.timeoutMs,
      });
      const text = await this.readCapped(res, req.route);
      observe(String(res.statusCode));
      return { status: res.statusCode, headers: res.headers, text };
    } catch (err) {
      const classified = classify(err, req.route, signal, req.signal);
      observe(classified.code);
      throw classified;
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  private requestCounter(route: string, code: string): Counter.Internal {
    const key = `${route} ${code}`;
    let child = this.counters.get(key);
    if (!child) this.counters.set(key, (child = this.opts.metrics.upstreamRequests.labels({ ...this.labels, endpoint: route, code })));
    return child;
  }

  private durationHistogram(route: string): Histogram.Internal<'source' | 'target' | 'endpoint'> {
    let child = this.histograms.get(route);
    if (!child) this.histograms.set(route, (child = this.opts.metrics.upstreamDuration.labels({ ...this.labels, endpoint: route })));
    return child;
  }

  private async readCapped(res: Dispatcher.ResponseData, route: string): Promise<string> {
    const cap = this.opts.maxResponseBytes;
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > cap) {
      // Destroying the body makes undici emit an abort error; unheard, it would crash the process.
      res.body.on('error', () => {});
      res.body.destroy();
      throw new RequestError('too_large', route, `response of ${declared} bytes exceeds the cap of ${cap}`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > cap) {
        res.body.destroy();
        throw new RequestError('too_large', route, `response exceeds the cap of ${cap} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks, size).toString('utf8');
  }
}

function classify(err: unknown, route: string, signal: AbortSignal, callerSignal?: AbortSignal): RequestError {
  if (err instanceof RequestError) return err;
  if (callerSignal?.aborted) return new RequestError('aborted', route, 'cancelled', { cause: err });
  if (signal.aborted) return new RequestError('aborted', route, 'cycle deadline reached', { cause: err });
  if (
    err instanceof undiciErrors.ConnectTimeoutError ||
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError
  ) {
    return new RequestError('timeout', route, (err as Error).message, { cause: err });
  }
  const e = err as NodeJS.ErrnoException;
  return new RequestError('network', route, `${e.code ? `${e.code} ` : ''}${e.message ?? String(err)}`, { cause: err });
}

function parseLenient(text: string, parse?: (t: string) => unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: (parse ?? JSON.parse)(text) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/**
 * Paces requests evenly: the cap per interval is a tenth of a second's worth,
 * so timer drift costs little and no second ever starts more than R requests.
 */
function rateLimit(rps: number): { intervalCap?: number; interval?: number } {
  if (!(rps > 0)) return {};
  const intervalCap = Math.max(1, Math.ceil(rps / 10));
  return { intervalCap, interval: (intervalCap * 1000) / rps };
}
