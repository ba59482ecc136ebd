import { HttpError, type HttpClient } from '../../core/http.js';
import type { AuthProvider } from '../../core/auth/provider.js';
import { asArray, asObject, asString, optional, type JsonObject } from '../../core/shape.js';
import type { RequestScope } from '../../core/source.js';
import { asLimit, asQuantity, parseAstakosJson } from './parse.js';

export interface Quantities {
  limit: number;
  usage: number;
  pending: number;
}

/** One holding: a holder's quota of a resource drawn from one source (a project, or the seed's "system"). */
export interface Holding extends Quantities {
  holder: string;
  source: string;
  resource: string;
  /** Released Synnefo also gives the whole project's figures (`project_limit`, ...) beside the member's. */
  project?: Quantities;
}

/** A project's own counter of a resource, all members together (`/service_project_quotas`). */
export interface ProjectQuota extends Quantities {
  project: string;
  resource: string;
}

export interface ResourceDescription {
  resource: string;
  component: string;
  unit: string;
  description: string;
}

/** The calls of the Astakos quota API (`/account/v1.0` released, `/astakos/api` in the early draft). */
export class AstakosClient {
  constructor(private readonly http: HttpClient) {}

  async resources(scope: RequestScope): Promise<ResourceDescription[]> {
    const data = await this.get('/resources', scope, null);
    return Object.entries(asObject(data, '$')).map(([resource, raw]) => {
      const path = `$[${JSON.stringify(resource)}]`;
      const o = asObject(raw, path);
      const component =
        optional(o.service, asString, `${path}.service`) ?? optional(o.service_origin, asString, `${path}.service_origin`) ?? resource.split('.')[0]!;
      return {
        resource,
        component,
        unit: optional(o.unit, asString, `${path}.unit`) ?? '',
        description: optional(o.description, asString, `${path}.description`) ?? '',
      };
    });
  }

  /** `/quotas`: the token's own holdings, keyed by source. */
  async quotas(scope: RequestScope, auth: AuthProvider, holder: string): Promise<Holding[]> {
    return readSources(await this.get('/quotas', scope, auth), holder, '$');
  }

  /**
   * `/service_quotas`: the component's resources of every verified user (or of
   * those of `users`), keyed by user then source. Undefined when Astakos answers
   * 404 itemNotFound to a `users` list: it knows none of them (or, an older
   * Synnefo, it read the list as one uuid).
   */
  async serviceQuotas(scope: RequestScope, auth: AuthProvider, users: string[]): Promise<Holding[] | undefined> {
    const data = await this.filtered('/service_quotas', scope, auth, 'user', users);
    if (data === undefined) return undefined;
    return Object.entries(asObject(data, '$')).flatMap(([user, sources]) => readSources(sources, user, `$[${JSON.stringify(user)}]`));
  }

  /**
   * `/service_project_quotas` (Synnefo with projects as resource pools): each project's own counters of
   * the component's resources, `{<project>: {<resource>: {project_limit,
   * project_usage, project_pending}}}`, for every project (or those of
   * `projects`; undefined as for `serviceQuotas`).
   */
  async serviceProjectQuotas(scope: RequestScope, auth: AuthProvider, projects: string[]): Promise<ProjectQuota[] | undefined> {
    const data = await this.filtered('/service_project_quotas', scope, auth, 'project', projects);
    if (data === undefined) return undefined;
    return Object.entries(asObject(data, '$')).flatMap(([project, resources]) => {
      const path = `$[${JSON.stringify(project)}]`;
      return Object.entries(asObject(resources, path)).map(([resource, raw]) => {
        const p = `${path}[${JSON.stringify(resource)}]`;
        return { project, resource, ...projectFigures(asObject(raw, p), p) };
      });
    });
  }

  /** `/commissions`: serials of the component's pending commissions. */
  async pendingCommissions(scope: RequestScope, auth: AuthProvider): Promise<number> {
    return asArray(await this.get('/commissions', scope, auth), '$').length;
  }

  /**
   * The uuid of the token's user, from Synnefo's Keystone-like `POST /tokens`;
   * undefined when the server has no such endpoint (the early draft API).
   */
  async tokenUser(scope: RequestScope, identityUrl: string, token: string): Promise<string | undefined> {
    try {
      const res = await this.http.request({
        method: 'POST',
        url: `${identityUrl.replace(/\/+$/, '')}/tokens`,
        route: '/identity/v2.0/tokens',
        json: { auth: { token: { id: token } } },
        signal: scope.signal,
        deadline: scope.deadline,
        queue: false,
      });
      const access = asObject(asObject(res.data, '$').access, '$.access');
      return asString(asObject(access.user, '$.access.user').id, '$.access.user.id');
    } catch (err) {
      if (err instanceof HttpError && [404, 405, 501].includes(err.status)) return undefined;
      throw explain(err);
    }
  }

  /** A GET with an optional `?<name>=a,b` filter; undefined when Astakos knows none of the filter's ids. */
  private async filtered(route: string, scope: RequestScope, auth: AuthProvider, name: string, ids: string[]): Promise<unknown> {
    try {
      return await this.get(route, scope, auth, ids.length ? { [name]: ids.join(',') } : undefined);
    } catch (err) {
      if (ids.length && err instanceof AstakosError && err.status === 404 && err.fault === 'itemNotFound') return undefined;
      throw err;
    }
  }

  private async get(route: string, scope: RequestScope, auth: AuthProvider | null, query?: Record<string, string>): Promise<unknown> {
    try {
      const res = await this.http.request({ path: route, route, query, auth, signal: scope.signal, deadline: scope.deadline, parse: parseAstakosJson });
      return res.data;
    } catch (err) {
      throw explain(err);
    }
  }
}

function readSources(value: unknown, holder: string, path: string): Holding[] {
  const out: Holding[] = [];
  for (const [source, resources] of Object.entries(asObject(value, path))) {
    const sourcePath = `${path}[${JSON.stringify(source)}]`;
    for (const [resource, raw] of Object.entries(asObject(resources, sourcePath))) {
      const p = `${sourcePath}[${JSON.stringify(resource)}]`;
      const o = asObject(raw, p);
      const holding: Holding = {
        holder,
        source,
        resource,
        limit: asLimit(o.limit, `${p}.limit`),
        usage: asQuantity(o.usage, `${p}.usage`),
        pending: asQuantity(o.pending ?? 0, `${p}.pending`),
      };
      if (o.project_limit !== undefined || o.project_usage !== undefined) holding.project = projectFigures(o, p);
      out.push(holding);
    }
  }
  return out;
}

function projectFigures(o: JsonObject, p: string): Quantities {
  return {
    limit: asLimit(o.project_limit, `${p}.project_limit`),
    usage: asQuantity(o.project_usage, `${p}.project_usage`),
    pending: asQuantity(o.project_pending ?? 0, `${p}.project_pending`),
  };
}

/** An Astakos fault answer, `{"itemNotFound": {"code": 404, "message": "..."}}`, named by its fault and message. */
class AstakosError extends Error {
  constructor(
    readonly status: number,
    readonly fault: string,
    message: string,
    route: string,
    options: { cause: unknown },
  ) {
    // A filter's ids come back in the message: a hundred uuids say nothing more than the first few.
    super(`${route}: HTTP ${status} ${fault}: ${message.length > 200 ? `${message.slice(0, 200)}…` : message}`, options);
    this.name = 'AstakosError';
  }
}

/**
 * Whether an error says the endpoint does not exist on this Astakos: an
 * unknown path under its API answers 400 badRequest "API endpoint not found"
 * (snf-django-lib's `api_endpoint_not_found`); a front end may answer 404.
 */
export function isMissingEndpoint(err: unknown): boolean {
  const status = err instanceof AstakosError || err instanceof HttpError ? err.status : undefined;
  return status === 404 || status === 501 || (status === 400 && err instanceof AstakosError && /endpoint not found/i.test(err.message));
}

/** The operator gets Astakos' fault name and message instead of raw JSON. */
function explain(err: unknown): unknown {
  if (!(err instanceof HttpError) || typeof err.body !== 'object' || err.body === null) return err;
  const [fault, detail] = Object.entries(err.body as JsonObject)[0] ?? [];
  const message = typeof detail === 'object' && detail !== null ? (detail as JsonObject).message : undefined;
  if (!fault || typeof message !== 'string') return err;
  return new AstakosError(err.status, fault, message, err.route, { cause: err });
}
