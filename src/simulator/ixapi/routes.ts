import type { SimRequest, SimResponse, SimServer } from '../server.js';
import type { IxapiAuth } from './auth.js';
import { problem } from './problem.js';
import { configJson, connectionJson, serviceJson } from './resources.js';
import type { IxapiWorld } from './world.js';

/** How lists answer `page_limit` / `page_offset`; tests may change it between cycles. */
export interface Paging {
  /** Honour page_limit/page_offset (schema 2.7). Off: every list is one plain array. */
  enabled: boolean;
  /** With paging: the page size when the client sends no page_limit. Default: everything. */
  defaultPageSize?: number;
  /** With paging: the largest page answered, whatever page_limit asked for. */
  maxPageSize?: number;
  /** With paging: 206 Partial Content while more results follow, 200 on the last page. */
  partialContent: boolean;
  /** With paging: every page starts at the beginning, whatever page_offset says. */
  ignoreOffset: boolean;
  /** Without paging: page_limit/page_offset refused with 400, as a server before 2.7 that validates its filters does. */
  rejectPaging: boolean;
}

const UNAUTHORISED: SimResponse = { status: 401, body: problem(401, 'Authentication credentials were not provided or are expired') };

/** The read-only routes: each list with its filters, and each object by id (404 once it is gone). */
export function listRoutes(server: SimServer, world: IxapiWorld, auth: IxapiAuth, paging: Paging): void {
  const list =
    <T>(items: () => T[], json: (it: T) => Record<string, unknown>, filters: string[]) =>
    (req: SimRequest): SimResponse => {
      if (!auth.authorised(req)) return UNAUTHORISED;
      const active = filters.flatMap((f) => {
        const wanted = req.query.get(f);
        return wanted === null ? [] : [{ f, values: new Set(wanted.split(',')) }];
      });
      // Without filters only the requested page is rendered: large worlds stay cheap to page through.
      if (active.length === 0) return page(req, paging, items(), json);
      const out = items()
        .map(json)
        .filter((o) => active.every(({ f, values }) => values.has(String(o[f]))));
      return page(req, paging, out, (o) => o);
    };
  const one =
    <T>(map: Map<string, T>, json: (it: T) => Record<string, unknown>, what: string) =>
    (req: SimRequest): SimResponse => {
      if (!auth.authorised(req)) return UNAUTHORISED;
      const it = map.get(req.params.id ?? '');
      return it ? { body: json(it) } : { status: 404, body: problem(404, `${what} ${req.params.id} does not exist`) };
    };
  const config = (c: Parameters<typeof configJson>[1]) => configJson(world, c);
  const connection = (c: Parameters<typeof connectionJson>[1]) => connectionJson(world, c);
  server.route(
    'GET',
    '/api/v2/network-services',
    list(() => [...world.services.values()], serviceJson, ['id', 'type', 'state', 'managing_account', 'consuming_account', 'external_ref']),
  );
  server.route('GET', '/api/v2/network-services/:id', one(world.services, serviceJson, 'network service'));
  server.route(
    'GET',
    '/api/v2/network-service-configs',
    list(() => [...world.configs.values()], config, ['id', 'type', 'state', 'network_service', 'connection']),
  );
  server.route('GET', '/api/v2/network-service-configs/:id', one(world.configs, config, 'network service config'));
  server.route(
    'GET',
    '/api/v2/connections',
    list(() => [...world.connections.values()], connection, ['id', 'state', 'mode', 'pop', 'name']),
  );
  server.route('GET', '/api/v2/connections/:id', one(world.connections, connection, 'connection'));
}

function page<T>(req: SimRequest, paging: Paging, items: T[], json: (it: T) => Record<string, unknown>): SimResponse {
  const limitParam = req.query.get('page_limit');
  const offsetParam = req.query.get('page_offset');
  if (!paging.enabled) {
    if (paging.rejectPaging && (limitParam !== null || offsetParam !== null)) {
      return { status: 400, body: problem(400, `unknown query parameter ${limitParam !== null ? 'page_limit' : 'page_offset'}`) };
    }
    return { body: items.map(json) };
  }
  const asked = limitParam === null ? (paging.defaultPageSize ?? Math.max(items.length, 1)) : Number(limitParam);
  const offset = offsetParam === null || paging.ignoreOffset ? 0 : Number(offsetParam);
  if (!Number.isInteger(asked) || asked < 1 || !Number.isInteger(offset) || offset < 0) {
    return { status: 400, body: problem(400, 'page_limit must be a positive integer and page_offset a non-negative integer') };
  }
  const limit = Math.min(asked, paging.maxPageSize ?? asked);
  const more = offset + limit < items.length;
  return { status: more && paging.partialContent ? 206 : 200, body: items.slice(offset, offset + limit).map(json) };
}
