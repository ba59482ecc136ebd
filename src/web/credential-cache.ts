import { createHmac, randomBytes } from 'node:crypto';

/**
 * Remembers credentials that passed bcrypt, so that a scrape every few seconds
 * costs one bcrypt in all rather than one each (exporter-toolkit keeps such a
 * cache too). Entries are keyed by an HMAC under a key made at start-up: no
 * password is kept, and a lookup's timing depends on nothing a caller can aim
 * at. Only successes are kept, so failed guesses cannot push a valid entry out.
 */
export class CredentialCache {
  readonly #key = randomBytes(32);
  readonly #entries = new Map<string, true>();
  readonly #size: number;

  constructor(size = 100) {
    this.#size = size;
  }

  fingerprint(user: string, hash: string, password: string): string {
    return createHmac('sha256', this.#key)
      .update(JSON.stringify([user, hash, password]))
      .digest('base64');
  }

  has(fingerprint: string): boolean {
    if (!this.#entries.has(fingerprint)) return false;
    // Most recently used last, so that eviction drops the least recently used.
    this.#entries.delete(fingerprint);
    this.#entries.set(fingerprint, true);
    return true;
  }

  add(fingerprint: string): void {
    this.#entries.delete(fingerprint);
    this.#entries.set(fingerprint, true);
    while (this.#entries.size > this.#size) this.#entries.delete(this.#entries.keys().next().value!);
  }
}
