import type { SimRequest, SimServer } from '../server.js';
import { unauthorized, type AstakosTokens } from './auth.js';
import { exactJson, fault } from './faults.js';
import type { AstakosWorld } from './world.js';

export interface QuotaRouteOptions {
  /** `/account/v1.0` (released) or `/astakos/api` (the draft API). */
  prefix: string;
  /** Whether `?user=` and `?project=` take comma-separated lists (current Synnefo) or one uuid (older releases). */
  listFilters: boolean;
}

/**
 * The quota API's handlers, as `snf-astakos-app/astakos/api/quotas.py` of
 * grnet/synnefo answers them:
 * - `/service_quotas?user=a,b` answers only the listed users that exist and are
 *   verified, and 404 itemNotFound ("No user with UUID 'a,b'") when that leaves
 *   nothing; older releases take the whole value as one uuid ("No such user"),
 *   so a list always comes back 404 there. `?project=` restricts the sources.
 * - `/service_project_quotas` (service token; released Synnefo only) answers each
 *   project's own counters, users' own projects included; `?project=` as above.
 * - Any other path under the API answers 400 badRequest "API endpoint not
 *   found" (the catch-all of `astakos/api/urls.py`, snf_django's
 *   `api_endpoint_not_found`), as the draft API does for `/service_project_quotas`.
 */
export function quotaRoutes(s: SimServer, world: AstakosWorld, tokens: AstakosTokens, opts: QuotaRouteOptions): void {
  const p = opts.prefix;
  const ids = (req: SimRequest, name: string): { text: string; ids: string[] } | undefined => {
    const text = req.query.get(name);
    if (text === null) return undefined;
    return { text, ids: opts.listFilters ? text.split(',') : [text] };
  };
  const notFound = (what: 'user' | 'project', text: string) => fault(404, opts.listFilters ? `No ${what} with UUID '${text}'` : `No such ${what} '${text}'`);

  s.route('GET', `${p}/resources`, () => ({
    body: Object.fromEntries(
      [...world.resources.values()].map((r) => [
        r.name,
        world.shape === 'released'
          ? {
              service: r.component,
              service_type: serviceType(r.component),
              unit: r.unit,
              description: r.description,
              ui_visible: true,
              api_visible: true,
              allow_in_projects: true,
            }
          : { unit: r.unit, description: r.description, service: r.component },
      ]),
    ),
  }));
  s.route('GET', `${p}/quotas`, (req) => {
    const who = tokens.principal(req);
    if (who?.user === undefined) return unauthorized(req);
    return exactJson(world.userQuotas(who.user));
  });
  s.route('GET', `${p}/service_quotas`, (req) => {
    const who = tokens.principal(req);
    if (!who?.component) return unauthorized(req);
    const users = ids(req, 'user');
    const result = world.serviceQuotas(who.component, users?.ids, ids(req, 'project')?.ids);
    if (users && !Object.keys(result).length) return notFound('user', users.text);
    return exactJson(result);
  });
  if (world.shape === 'released') {
    s.route('GET', `${p}/service_project_quotas`, (req) => {
      const who = tokens.principal(req);
      if (!who?.component) return unauthorized(req);
      const projects = ids(req, 'project');
      const result = world.projectQuotas(who.component, projects?.ids);
      if (projects && !Object.keys(result).length) return notFound('project', projects.text);
      return exactJson(result);
    });
  }
  commissionRoutes(s, world, tokens, p);
  s.route(['GET', 'POST'], `${p}/*`, () => fault(400, 'API endpoint not found'));
}

function commissionRoutes(s: SimServer, world: AstakosWorld, tokens: AstakosTokens, p: string): void {
  s.route('GET', `${p}/commissions`, (req) => {
    const who = tokens.principal(req);
    if (!who?.component) return unauthorized(req);
    return { body: [...world.commissions.values()].filter((c) => c.component === who.component).map((c) => c.serial) };
  });
  s.route('GET', `${p}/commissions/:serial`, (req) => {
    const who = tokens.principal(req);
    if (!who?.component) return unauthorized(req);
    const c = world.commissions.get(Number(req.params.serial));
    if (!c || c.component !== who.component) return fault(404, 'Commission not found');
    return exactJson({
      serial: c.serial,
      issue_time: '2013-04-08T10:19:15.0373',
      name: '',
      provisions: [{ holder: world.users[c.user]!.uuid, source: c.source, resource: c.resource, quantity: c.quantity }],
    });
  });
  s.route('POST', `${p}/commissions/:serial/action`, (req) => {
    const who = tokens.principal(req);
    if (!who?.component) return unauthorized(req);
    const c = world.commissions.get(Number(req.params.serial));
    if (!c || c.component !== who.component) return fault(404, 'Commission not found');
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!('accept' in body) && !('reject' in body)) return fault(400, 'Malformed request');
    world.resolveCommission(c.serial, 'accept' in body);
    return { status: 200, body: '' };
  });
}

function serviceType(component: string): string {
  return component === 'pithos' ? 'object-store' : component === 'cyclades' ? 'compute' : 'account';
}
