import type { AuthProvider } from '../../core/auth/provider.js';
import type { HttpClient } from '../../core/http.js';
import { asArray, asNumber, asObject, asString, optional } from '../../core/shape.js';
import type { RequestScope } from '../../core/source.js';
import { checked, readCapacities, readCapacity, type Checked, type RegionCapacity } from './capacity.js';
import { latestPoint, type Point } from './run-answer.js';

/** The InterCloud header that makes a request act on a child organisation's resources. */
const SCOPE_HEADER = 'intercloud-scope';

export interface ChildRef {
  id: string;
  name: string;
  reseller: boolean;
  childrenCount: number;
}

export interface Organisation {
  id: string;
  name: string;
  parentId: string;
  reseller: boolean;
  children: ChildRef[];
  /** Per region, in the portal's unit; a malformed value is an error of the capacities alone. */
  capacities: Checked<RegionCapacity[]>;
}

export interface Group {
  id: string;
  name: string;
  irn: string;
  organisationId: string;
  connectors: number;
  links: number;
  flowConnectors: number;
  flowLinks: number;
  /** In the portal's unit, undefined when it gives none; a malformed value is an error of this value alone. */
  allocatedCapacity: Checked<number | undefined>;
}

/** The RFC 3339 bounds of a /run query. */
export interface RunWindow {
  start: string;
  end: string;
}

interface MetricRef {
  name: string;
  type: string;
}

/**
 * The InterCloud portal API calls the exporter makes, with their responses
 * checked. `scope` is the organisation a request is about when it is not the
 * caller's own: it goes in the InterCloud-Scope header.
 */
export class IntercloudClient {
  /** The query string of the last /run window: every query of a cycle asks for the same one. */
  private runWindow?: { window: RunWindow; search: string };

  constructor(
    private readonly http: HttpClient,
    private readonly auth: AuthProvider,
  ) {}

  async ownOrganisationId(ctx: RequestScope): Promise<string> {
    const res = await this.get('/me/info', '/me/info', ctx);
    return asString(asObject(res, '$').organisationId, '$.organisationId');
  }

  async organisation(id: string, scope: string | undefined, ctx: RequestScope): Promise<Organisation> {
    const o = asObject(await this.get(`/organisations/${encodeURIComponent(id)}`, '/organisations/:id', ctx, scope), '$');
    const children = optional(o.children, (v, p) => asArray(v, p), '$.children') ?? [];
    return {
      id: asString(o.id, '$.id'),
      name: optional(o.name, (v, p) => asString(v, p), '$.name') ?? '',
      parentId: optional(o.parentId, (v, p) => asString(v, p), '$.parentId') ?? '',
      reseller: o.reseller === true,
      capacities: checked(() => readCapacities(o.capacities, '$.capacities'), '/organisations/:id: '),
      children: children.map((c, i) => {
        const p = `$.children[${i}]`;
        const child = asObject(c, p);
        return {
          id: asString(child.id, `${p}.id`),
          name: optional(child.name, (v, q) => asString(v, q), `${p}.name`) ?? '',
          reseller: child.reseller === true,
          childrenCount: optional(child.childrenCount, (v, q) => asNumber(v, q), `${p}.childrenCount`) ?? 0,
        };
      }),
    };
  }

  async groups(scope: string | undefined, ctx: RequestScope): Promise<Group[]> {
    const data = await this.get('/groups', '/groups', ctx, scope);
    // The document shows a single object; the portal answers a list. Take both.
    const list = Array.isArray(data) ? data : data === undefined || data === null ? [] : [data];
    return list.map((g, i) => {
      const p = `$[${i}]`;
      const o = asObject(g, p);
      const count = (key: string) => optional(o[key], (v, q) => asNumber(v, q), `${p}.${key}`) ?? 0;
      const id = asString(o.id, `${p}.id`);
      return {
        id,
        name: optional(o.name, (v, q) => asString(v, q), `${p}.name`) ?? '',
        irn: asString(o.irn, `${p}.irn`),
        organisationId: optional(o.organisationId, (v, q) => asString(v, q), `${p}.organisationId`) ?? '',
        connectors: count('countConnectors'),
        links: count('countLinks'),
        flowConnectors: count('countFlowConnectors'),
        flowLinks: count('countFlowLinks'),
        allocatedCapacity: checked(() => readCapacity(o.allocatedCapacity, `${p}.allocatedCapacity`), `/groups: group ${id}: `),
      };
    });
  }

  async metrics(irn: string, scope: string | undefined, ctx: RequestScope): Promise<MetricRef[]> {
    const data = await this.get(`/metrics/query/irn/${encodeIrn(irn)}`, '/metrics/query/irn/:irn', ctx, scope);
    return asArray(data ?? [], '$').map((m, i) => {
      const o = asObject(m, `$[${i}]`);
      return { name: asString(o.name, `$[${i}].name`), type: asString(o.type, `$[${i}].type`) };
    });
  }

  /** Runs a timeserie metric over [start, end]; undefined when the window holds no non-null point. */
  async latest(irn: string, metric: string, window: RunWindow, scope: string | undefined, ctx: RequestScope): Promise<Point | undefined> {
    if (this.runWindow?.window !== window) {
      this.runWindow = { window, search: `start-d=${encodeURIComponent(window.start)}&end-d=${encodeURIComponent(window.end)}` };
    }
    // Seventy thousand of these a cycle: the request is made here rather than
    // through get(), one promise fewer each, with the window's query string
    // encoded once.
    const res = await this.http.request({
      path: `/metrics/query/irn/${encodeIrn(irn)}/${encodeURIComponent(metric)}/run?${this.runWindow.search}`,
      route: '/metrics/query/irn/:irn/:metric/run',
      headers: scope === undefined ? undefined : { [SCOPE_HEADER]: scope },
      auth: this.auth,
      signal: ctx.signal,
      deadline: ctx.deadline,
    });
    return latestPoint(res.data);
  }

  private async get(path: string, route: string, ctx: RequestScope, scope?: string, query?: Record<string, string>): Promise<unknown> {
    const res = await this.http.request({
      path,
      route,
      query,
      headers: scope === undefined ? undefined : { [SCOPE_HEADER]: scope },
      auth: this.auth,
      signal: ctx.signal,
      deadline: ctx.deadline,
    });
    return res.data;
  }
}

/** What encodeURIComponent leaves as it is, and colons: an IRN made only of these is its own encoding. */
const SEGMENT_SAFE = /^[A-Za-z0-9\-_.!~*'():]*$/;

/** IRNs are full of colons, which a path segment may hold as they are (as the document's examples do). */
function encodeIrn(irn: string): string {
  return SEGMENT_SAFE.test(irn) ? irn : encodeURIComponent(irn).replace(/%3A/gi, ':');
}
