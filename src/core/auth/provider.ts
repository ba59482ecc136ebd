import { registerSecret } from '../../log.js';
import type { TokenObserver } from '../source.js';

export type Headers = Record<string, string>;

export interface AuthContext {
  signal?: AbortSignal;
}

/** Supplies the headers that authenticate a request to one upstream. */
export interface AuthProvider {
  /** At once while a fresh token is at hand (the case of nearly every request); a promise when one must be fetched first. */
  headers(ctx: AuthContext): Headers | Promise<Headers>;
  /** Called after a 401 with the headers that were refused; a newer token is kept. */
  invalidate(refused: Headers): void;
}

export interface Token {
  headers: Headers;
  /** The secret parts (access and refresh tokens): masked in every log line. */
  secrets: string[];
  /** Unix time in ms after which the token is no longer valid; undefined if it does not expire. */
  expiresAt?: number;
}

export interface TokenProviderOptions {
  /** Told whether each fetch succeeded. */
  tokens: TokenObserver;
  /** Refresh this long before expiry (default 60 s, at most half the token's lifetime). */
  refreshMarginMs?: number;
  now?: () => number;
}

/**
 * A token cache: one fetch at a time however many requests wait for it
 * (single-flight), a refresh before expiry, and a fresh fetch after a 401.
 */
export abstract class CachedTokenProvider implements AuthProvider {
  private token?: Token;
  private refreshAt = 0;
  private inflight?: Promise<Token>;
  protected readonly now: () => number;

  constructor(protected readonly options: TokenProviderOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Fetches a new token; `previous` is the token being replaced, for refresh-token flows. */
  protected abstract fetchToken(previous: Token | undefined): Promise<Token>;

  headers(ctx: AuthContext): Headers | Promise<Headers> {
    if (this.token && this.now() < this.refreshAt) return this.token.headers;
    return this.fetched(ctx);
  }

  private async fetched(ctx: AuthContext): Promise<Headers> {
    this.inflight ??= this.refresh().finally(() => {
      this.inflight = undefined;
    });
    const token = await abortable(this.inflight, ctx.signal);
    return token.headers;
  }

  invalidate(refused: Headers): void {
    if (this.token && sameHeaders(this.token.headers, refused)) {
      this.token = undefined;
      this.refreshAt = 0;
    }
  }

  private async refresh(): Promise<Token> {
    const fetchedAt = this.now();
    let token: Token;
    try {
      token = await this.fetchToken(this.token);
    } catch (err) {
      this.options.tokens('failure');
      throw err;
    }
    this.options.tokens('success');
    for (const s of token.secrets) registerSecret(s);
    this.token = token;
    if (token.expiresAt === undefined) {
      this.refreshAt = Number.POSITIVE_INFINITY;
    } else {
      const lifetime = Math.max(0, token.expiresAt - fetchedAt);
      const margin = Math.min(this.options.refreshMarginMs ?? 60_000, lifetime / 2);
      this.refreshAt = token.expiresAt - margin;
    }
    return token;
  }
}

function sameHeaders(a: Headers, b: Headers): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** Lets one waiter give up on a shared promise without cancelling it for the others. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
