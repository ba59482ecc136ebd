import { randomBytes } from 'node:crypto';

/** Issued tokens with a lifetime, as an identity service keeps them. */
export class TokenStore<T = Record<string, unknown>> {
  private readonly tokens = new Map<string, { expiresAt: number; data: T }>();
  issued = 0;

  constructor(
    public ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(data: T, ttlSeconds = this.ttlSeconds, token = randomBytes(18).toString('base64url')): { token: string; expiresAt: number } {
    const expiresAt = this.now() + ttlSeconds * 1000;
    this.tokens.set(token, { expiresAt, data });
    this.issued += 1;
    return { token, expiresAt };
  }

  /** The token's data if it is known and not expired. */
  check(token: string | undefined): T | undefined {
    if (!token) return undefined;
    const entry = this.tokens.get(token);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.tokens.delete(token);
      return undefined;
    }
    return entry.data;
  }

  /** Makes every issued token invalid at once, as a token-signing key rotation would. */
  revokeAll(): void {
    this.tokens.clear();
  }
}

export function bearer(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const m = value?.match(/^Bearer\s+(.+)$/i);
  return m?.[1];
}
