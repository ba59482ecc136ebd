import type { AuthProvider } from '../../core/auth/provider.js';
import { HttpError, type HttpClient, type JsonResponse } from '../../core/http.js';
import { asArray, asObject } from '../../core/shape.js';
import type { RequestScope } from '../../core/source.js';
import type { Logger } from '../../log.js';
import { parseConnection, parseNetworkService, parseNetworkServiceConfig, type Connection, type NetworkService, type NetworkServiceConfig } from './model.js';

/** Upper bound on pages of one list, against a server that keeps answering new ids forever. */
const MAX_PAGES = 10_000;

/** The HTTP status with which a schema 2.7 server says that more results follow. */
const PARTIAL_CONTENT = 206;

/** A first page refused with 400: the server may predate page_limit/page_offset. */
class PagingRefused extends Error {
  constructor(readonly refusal: HttpError) {
    super(refusal.message);
  }
}

/** The read-only calls the exporter makes to an IX-API v2 server. */
export class IxapiClient {
  /** Set once the server refused page_limit and answered without it: the target's lists are read whole from then on. */
  private pagingRefused = false;

  constructor(
    private readonly http: HttpClient,
    private readonly auth: AuthProvider,
    private readonly pageLimit: number,
    private readonly log: Logger,
  ) {}

  async networkServices(type: string | undefined, scope: RequestScope, withExternalRef: boolean): Promise<NetworkService[]> {
    const items = await this.list('/network-services', type, scope);
    return ofType(
      items.map((it, i) => parseNetworkService(it, `network-services[${i}]`, withExternalRef)),
      type,
    );
  }

  async networkServiceConfigs(type: string | undefined, scope: RequestScope): Promise<NetworkServiceConfig[]> {
    const items = await this.list('/network-service-configs', type, scope);
    return ofType(
      items.map((it, i) => parseNetworkServiceConfig(it, `network-service-configs[${i}]`)),
      type,
    );
  }

  async connections(scope: RequestScope): Promise<Connection[]> {
    const items = await this.list('/connections', undefined, scope);
    return items.map((it, i) => parseConnection(it, `connections[${i}]`));
  }

  /**
   * A whole list, in pages of `pageLimit` (schema 2.7). A server that refuses
   * page_limit with 400 (before 2.7, validating its filters) is asked again
   * without it, and this target's lists are read that way from then on; one
   * that ignores it (an unknown filter) answers everything in the first page.
   */
  private async list(path: string, type: string | undefined, scope: RequestScope): Promise<unknown[]> {
    if (this.pageLimit === 0 || this.pagingRefused) return this.pages(path, type, scope, undefined);
    try {
      return await this.pages(path, type, scope, this.pageLimit);
    } catch (err) {
      if (!(err instanceof PagingRefused)) throw err;
      // Refused again without paging: the 400 was about something else, and says so itself.
      const items = await this.pages(path, type, scope, undefined);
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- another list may have found paging refused while this one awaited
      if (!this.pagingRefused) {
        this.pagingRefused = true;
        this.log.warn(
          { route: path, status: err.refusal.status },
          'the IX-API server refuses page_limit/page_offset (a server before schema 2.7?): every list of this target is read in one request from now on',
        );
      }
      return items;
    }
  }

  /**
   * Pages from offset 0, each next offset being the items received so far: a
   * server may answer fewer than asked. More follow while the answer is 206
   * Partial Content or a full page; an empty page, or a short page answered
   * 200, ends the list. Items are kept by id, so a list that shifts between
   * pages cannot duplicate series; a page with no new id means the server
   * ignores page_offset, which ends the list, and fails it if the server said
   * more were to come. Without `limit`, page_offset is sent only to follow a 206.
   */
  private async pages(path: string, type: string | undefined, scope: RequestScope, limit: number | undefined): Promise<unknown[]> {
    const out = new Map<string, unknown>();
    let offset = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = { type, page_limit: limit, page_offset: limit === undefined && page === 0 ? undefined : offset };
      const res = await this.get(path, query, scope).catch((err: unknown) => {
        throw page === 0 && limit !== undefined && err instanceof HttpError && err.status === 400 ? new PagingRefused(err) : err;
      });
      const items = asArray(res.data, path);
      const before = out.size;
      for (const item of items) add(out, item, path);
      const partial = res.status === PARTIAL_CONTENT;
      if (items.length > 0 && out.size === before) {
        if (partial)
          throw new Error(
            `${path}: the server answered 206 Partial Content but repeated a page at page_offset ${offset}: it ignores page_offset; set pageLimit to 0 for this target`,
          );
        return [...out.values()];
      }
      offset += items.length;
      if (items.length === 0 || !(partial || items.length === limit)) return [...out.values()];
    }
    throw new Error(`${path}: still more after ${MAX_PAGES} pages; the list is not read`);
  }

  private get(path: string, query: Record<string, string | number | undefined>, scope: RequestScope): Promise<JsonResponse> {
    return this.http.request({ path, route: path, query, auth: this.auth, signal: scope.signal, deadline: scope.deadline });
  }
}

/** Keeps the first copy of each id. */
function add(out: Map<string, unknown>, item: unknown, path: string): void {
  const id = asObject(item, `${path}[${out.size}]`).id;
  const key = typeof id === 'string' || typeof id === 'number' ? String(id) : `#${out.size}`;
  if (!out.has(key)) out.set(key, item);
}

/** `type` is a documented filter, but a server that ignored it must not leak other types into the series. */
function ofType<T extends { type: string }>(items: T[], type: string | undefined): T[] {
  return type === undefined ? items : items.filter((it) => it.type === type);
}
