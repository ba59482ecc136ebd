import type { AuthProvider } from '../../core/auth/provider.js';
import type { HttpClient } from '../../core/http.js';
import { asArray, asObject } from '../../core/shape.js';
import type { RequestScope } from '../../core/source.js';
import {
  parseConnection,
  parseNetworkService,
  parseNetworkServiceConfig,
  type Connection,
  type NetworkService,
  type NetworkServiceConfig,
} from './model.js';

/** Upper bound on pages of one list, against a server that keeps answering full pages. */
const MAX_PAGES = 10_000;

/** The read-only calls the exporter makes to an IX-API v2 server. */
export class IxapiClient {
  constructor(
    private readonly http: HttpClient,
    private readonly auth: AuthProvider,
    private readonly pageLimit: number,
  ) {}

  async networkServices(type: string | undefined, scope: RequestScope): Promise<NetworkService[]> {
    const items = await this.list('/network-services', type, scope);
    return ofType(items.map((it, i) => parseNetworkService(it, `network-services[${i}]`)), type);
  }

  async networkServiceConfigs(type: string | undefined, scope: RequestScope): Promise<NetworkServiceConfig[]> {
    const items = await this.list('/network-service-configs', type, scope);
    return ofType(items.map((it, i) => parseNetworkServiceConfig(it, `network-service-configs[${i}]`)), type);
  }

  async connections(scope: RequestScope): Promise<Connection[]> {
    const items = await this.list('/connections', undefined, scope);
    return items.map((it, i) => parseConnection(it, `connections[${i}]`));
  }

  /**
   * A whole list. Servers before schema 2.7 ignore page_limit/page_offset (an
   * unknown filter) and answer everything at once; a 2.7 server answers one
   * page. The list ends at a short page, at a page larger than asked (no
   * pagination), or at a page with nothing new (offset ignored).
   */
  private async list(path: string, type: string | undefined, scope: RequestScope): Promise<unknown[]> {
    const out = new Map<string, unknown>();
    const get = async (query: Record<string, string | number | undefined>) => {
      const res = await this.http.request({ path, route: path, query, auth: this.auth, signal: scope.signal, deadline: scope.deadline });
      return asArray(res.data, path);
    };
    if (this.pageLimit === 0) {
      for (const item of await get({ type })) add(out, item, path);
      return [...out.values()];
    }
    for (let page = 0; page < MAX_PAGES; page++) {
      const items = await get({ type, page_limit: this.pageLimit, page_offset: out.size });
      const before = out.size;
      for (const item of items) add(out, item, path);
      if (items.length !== this.pageLimit || out.size === before) break;
    }
    return [...out.values()];
  }
}

/** Keeps the first copy of each id, so that a server ignoring page_offset cannot duplicate series. */
function add(out: Map<string, unknown>, item: unknown, path: string): void {
  const id = asObject(item, `${path}[${out.size}]`).id;
  const key = typeof id === 'string' || typeof id === 'number' ? String(id) : `#${out.size}`;
  if (!out.has(key)) out.set(key, item);
}

/** `type` is a documented filter, but a server that ignored it must not leak other types into the series. */
function ofType<T extends { type: string }>(items: T[], type: string | undefined): T[] {
  return type === undefined ? items : items.filter((it) => it.type === type);
}
