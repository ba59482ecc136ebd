/**
 * exporter-toolkit's rate_limit: Go's rate.NewLimiter(rate.Every(interval), burst),
 * a token bucket that starts full, holds `burst` tokens and gains one per interval.
 */
export class TokenBucket {
  readonly #intervalMs: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #at: number;

  constructor(intervalMs: number, burst: number, now: () => number = () => performance.now()) {
    this.#intervalMs = intervalMs;
    this.#burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#at = now();
  }

  /** Takes a token; when there is none, how long until there will be. */
  take(): { ok: true } | { ok: false; retryAfterMs: number } {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#at) / this.#intervalMs);
    this.#at = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: (1 - this.#tokens) * this.#intervalMs };
  }
}
