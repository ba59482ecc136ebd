import { errors as undiciErrors, type Dispatcher } from 'undici';
import { RequestError } from './http-errors.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface ExchangeOptions {
  origin: string;
  /** Path and query. */
  path: string;
  method: Dispatcher.HttpMethod;
  headers: Record<string, string>;
  body?: string;
  /** Headers timeout and body idle timeout. */
  timeoutMs: number;
  maxResponseBytes: number;
  /** For error messages. */
  route: string;
  /**
   * Called once as the exchange ends, with the status as a string or the
   * error's code. It runs after `done` has settled, so a throw here cannot
   * leave `done` pending, and before any code awaiting `done` resumes.
   */
  onSettled?: (code: string) => void;
}

/**
 * One request and its whole response over an undici dispatcher, the body
 * gathered under a size cap. undici's `request` wraps every body in a
 * Readable stream and every signal in listeners; for thousands of small JSON
 * answers a second that machinery cost more than the HTTP itself.
 */
export class Exchange implements Dispatcher.DispatchHandler {
  readonly done: Promise<RawResponse>;
  private resolve!: (res: RawResponse) => void;
  private reject!: (err: RequestError) => void;
  private controller?: Dispatcher.DispatchController;
  private reason?: RequestError;
  private settled = false;
  private status = 0;
  private headers: RawResponse['headers'] = {};
  private chunks: Buffer[] = [];
  private size = 0;
  private readonly sentAt = performance.now();

  constructor(
    dispatcher: Dispatcher,
    private readonly opts: ExchangeOptions,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    try {
      dispatcher.dispatch(
        {
          origin: opts.origin,
          path: opts.path,
          method: opts.method,
          headers: opts.headers,
          body: opts.body,
          headersTimeout: opts.timeoutMs,
          bodyTimeout: opts.timeoutMs,
        },
        this,
      );
    } catch (err) {
      this.fail(err);
    }
  }

  /** Whether `done` has settled: it may have within the constructor, when the dispatcher refused the request. */
  get isSettled(): boolean {
    return this.settled;
  }

  /** Milliseconds since the request was sent, while no response has begun; undefined once one has. */
  awaitingResponseMs(): number | undefined {
    return this.status === 0 && !this.settled ? performance.now() - this.sentAt : undefined;
  }

  /** Stops the exchange; `done` rejects with `reason`. */
  abort(reason: RequestError): void {
    if (this.settled) return;
    this.reason = reason;
    // Before undici has started the request there is no controller yet: onRequestStart aborts it.
    this.controller?.abort(reason);
    this.fail(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.reason) controller.abort(this.reason);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, status: number, headers: RawResponse['headers']): void {
    this.status = status;
    this.headers = headers;
    const declared = Number(headers['content-length']);
    const cap = this.opts.maxResponseBytes;
    if (declared > cap) this.abort(new RequestError('too_large', this.opts.route, `response of ${declared} bytes exceeds the cap of ${cap}`));
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.reason) return;
    this.size += chunk.length;
    const cap = this.opts.maxResponseBytes;
    if (this.size > cap) {
      this.abort(new RequestError('too_large', this.opts.route, `response exceeds the cap of ${cap} bytes`));
      return;
    }
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settled = true;
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
    this.resolve({ status: this.status, headers: this.headers, text: body.toString('utf8') });
    this.opts.onSettled?.(String(this.status));
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.fail(err);
  }

  private fail(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.chunks = [];
    const error = this.reason ?? classify(err, this.opts.route);
    this.reject(error);
    this.opts.onSettled?.(error.code);
  }
}

function classify(err: unknown, route: string): RequestError {
  if (err instanceof RequestError) return err;
  if (err instanceof undiciErrors.ConnectTimeoutError || err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) {
    return new RequestError('timeout', route, (err as Error).message, { cause: err });
  }
  const e = err as NodeJS.ErrnoException;
  return new RequestError('network', route, `${e.code ? `${e.code} ` : ''}${e.message}`, { cause: err });
}
