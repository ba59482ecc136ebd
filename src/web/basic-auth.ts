import bcrypt from 'bcryptjs';
import { decoyHash } from './bcrypt-hash.js';
import { CredentialCache } from './credential-cache.js';
import type { Secret } from './secret.js';

export type CompareFn = (password: string, hash: string) => Promise<boolean>;

export interface BasicAuthOptions {
  /** bcrypt comparison; tests count calls through it. Default: bcryptjs. */
  compare?: CompareFn;
  /** Successful credentials remembered. Default 100, as exporter-toolkit. */
  cacheSize?: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * HTTP basic auth against exporter-toolkit's basic_auth_users (bcrypt hashes).
 * An unknown user costs the same bcrypt as a known one (against a decoy hash
 * of the configured cost), so response times do not tell which users exist.
 */
export class BasicAuth {
  readonly #users: ReadonlyMap<string, Secret>;
  readonly #decoy: string;
  readonly #compare: CompareFn;
  readonly #cache: CredentialCache;
  /** Same credentials arriving together (scrapers after a restart) share one bcrypt. */
  readonly #inFlight = new Map<string, Promise<boolean>>();
  /** bcrypt runs one at a time, as exporter-toolkit's mutex has it: parallel runs only slow each other down. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(users: ReadonlyMap<string, Secret>, opts: BasicAuthOptions = {}) {
    this.#users = users;
    const costs = [...users.values()].map((h) => bcrypt.getRounds(h.reveal()));
    // With costs that differ, the highest: an unknown user is then never the fast case.
    this.#decoy = decoyHash(costs.length ? Math.max(...costs) : 10);
    this.#compare = opts.compare ?? ((password, hash) => bcrypt.compare(password, hash));
    this.#cache = new CredentialCache(opts.cacheSize);
  }

  get enabled(): boolean {
    return this.#users.size > 0;
  }

  /** The user name when the Authorization header holds valid credentials, else undefined. */
  async authenticate(header: string | undefined): Promise<string | undefined> {
    const credentials = parseBasic(header);
    if (!credentials) return undefined;
    const { user, password } = credentials;
    const known = this.#users.get(user);
    const hash = known ? known.reveal() : this.#decoy;
    const fingerprint = this.#cache.fingerprint(user, hash, password);
    if (known && this.#cache.has(fingerprint)) return user;

    let pending = this.#inFlight.get(fingerprint);
    if (!pending) {
      pending = this.#serially(() => this.#compare(password, hash)).finally(() => this.#inFlight.delete(fingerprint));
      this.#inFlight.set(fingerprint, pending);
    }
    const ok = await pending.catch(() => false);
    if (!ok || !known) return undefined;
    this.#cache.add(fingerprint);
    return user;
  }

  #serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

/**
 * Go's Request.BasicAuth: "Basic " in any case, standard base64, user and
 * password split at the first colon. Text that is not UTF-8 is refused rather
 * than mangled, since bcryptjs hashes the UTF-8 of a JavaScript string.
 */
function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  const m = header && /^basic +([A-Za-z0-9+/]*={0,2}) *$/i.exec(header);
  if (!m || m[1]!.length % 4) return undefined;
  let text: string;
  try {
    text = utf8.decode(Buffer.from(m[1]!, 'base64'));
  } catch {
    return undefined;
  }
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}
