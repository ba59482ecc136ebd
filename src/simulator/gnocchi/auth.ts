import type { SimRequest, SimResponse } from '../server.js';
import type { KeystoneSimulator, TokenInfo } from './keystone.js';
import { pyJson } from './pyjson.js';

/**
 * keystonemiddleware in front of Gnocchi. It caches each token it has
 * validated (`token_cache_time`, 300 s by default) and keeps accepting it from
 * the cache after a revocation; an expired token is refused even when cached.
 */
export class TokenCheck {
  private readonly cache = new Map<string, { info: TokenInfo; until: number }>();

  constructor(
    private readonly keystone: KeystoneSimulator,
    private readonly now: () => number,
    /** keystonemiddleware's `token_cache_time`; 0 asks Keystone every time. */
    public cacheSeconds: number,
  ) {}

  /** The caller's project-scoped token, or undefined when Gnocchi answers 401. */
  caller(req: SimRequest): TokenInfo | undefined {
    const raw = req.headers['x-auth-token'];
    const token = Array.isArray(raw) ? raw[0] : raw;
    if (token === undefined) return undefined;
    const now = this.now();
    const cached = this.cache.get(token);
    let info = cached && cached.until > now ? cached.info : this.keystone.validate(token);
    if (info && info.expiresAt <= now) info = undefined;
    if (!info || info.projectId === undefined) {
      this.cache.delete(token);
      return undefined;
    }
    if (!cached || cached.until <= now) this.cache.set(token, { info, until: now + this.cacheSeconds * 1000 });
    return info;
  }

  /** Forgets every cached token, as a restart of Gnocchi's API would. */
  flush(): void {
    this.cache.clear();
  }

  /** keystonemiddleware's 401: JSON whatever the Accept header, and where to authenticate. */
  unauthorized(): SimResponse {
    return {
      status: 401,
      raw: pyJson({ error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } }),
      headers: { 'www-authenticate': `Keystone uri="${this.keystone.url}/v3"` },
    };
  }
}
