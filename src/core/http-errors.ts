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
