import { createRng, rngUuid } from '../rng.js';
import type { SimRequest, SimResponse, SimServer } from '../server.js';
import type { IntercloudAuth } from './auth.js';
import { hash, unit } from './hash.js';
import { error, scopeOf } from './http.js';
import type { SimGroup, SimOrganisation } from './model.js';
import type { IntercloudWorld } from './world.js';

/**
 * The portal API over a world. A request about a child organisation without
 * the right InterCloud-Scope is refused with 403, as the portal does for what
 * the caller may not see.
 */
export function serveRoutes(server: SimServer, world: IntercloudWorld, auth: IntercloudAuth): void {
  const authed = (handler: (req: SimRequest) => SimResponse) => (req: SimRequest) => auth.authed(req, () => handler(req));
  server.route('POST', '/auth/token', (req) => auth.token(req));
  server.route(
    'GET',
    '/me/info',
    authed(() => ({ body: meInfo(world, auth) })),
  );
  server.route(
    'GET',
    '/organisations/:id',
    authed((req) => {
      const org = world.organisation(req.params.id ?? '');
      if (!org || !visible(world, org)) return error(403, 'organisation not accessible');
      if (org !== world.root && scopeOf(req) !== org.id) return error(403, 'InterCloud-Scope header required for a child organisation');
      return failure(world, org.id) ?? { body: organisationBody(world, org) };
    }),
  );
  server.route(
    'GET',
    '/groups',
    authed((req) => {
      const org = scoped(world, req);
      if (!isOrganisation(org)) return org;
      return failure(world, org.id) ?? { body: org.groups.map(groupBody) };
    }),
  );
  server.route(
    'GET',
    '/metrics/query/irn/:irn',
    authed((req) => withGroup(world, req, (g) => ({ body: g.metrics }))),
  );
  server.route(
    'GET',
    '/metrics/query/irn/:irn/:metric/run',
    authed((req) => withGroup(world, req, (g) => run(world, req, g))),
  );
}

/** The organisation a request acts on: its InterCloud-Scope, else the caller's own. */
function scoped(world: IntercloudWorld, req: SimRequest): SimOrganisation | SimResponse {
  const scope = scopeOf(req);
  if (scope === undefined) return world.root;
  const org = world.organisation(scope);
  if (!org || !visible(world, org)) return error(403, 'scope not allowed');
  return org;
}

function withGroup(world: IntercloudWorld, req: SimRequest, handler: (g: SimGroup) => SimResponse): SimResponse {
  const org = scoped(world, req);
  if (!isOrganisation(org)) return org;
  const failed = failure(world, org.id);
  if (failed) return failed;
  const group = world.groupByIrn(req.params.irn ?? '');
  if (!group) return error(404, 'resource not found');
  if (group.organisationId !== org.id) return error(403, 'resource belongs to another organisation: set InterCloud-Scope');
  return handler(group);
}

function run(world: IntercloudWorld, req: SimRequest, group: SimGroup): SimResponse {
  const metric = group.metrics.find((m) => m.name === req.params.metric);
  if (!metric) return error(404, 'metric not found');
  const start = Date.parse(req.query.get('start-d') ?? '');
  const end = Date.parse(req.query.get('end-d') ?? '');
  if (Number.isNaN(start) || Number.isNaN(end) || end < start) return error(400, 'start-d and end-d must be RFC 3339 timestamps, start before end');
  const values = world.series(group, metric.name, start, end);
  // The portal says "no data" in three ways; each series always uses the same one.
  const emptiness = unit(hash(`${group.irn}|${metric.name}|shape`));
  let Results: unknown[];
  if (values.length > 0) Results = [{ Series: [{ name: 'interface_snmp', columns: ['time', 'sum'], values }], Messages: null }];
  else if (emptiness < 0.33) Results = [];
  else if (emptiness < 0.66) Results = [{ Series: null, Messages: null }];
  else Results = [{ Series: [{ name: 'interface_snmp', columns: ['time', 'sum'], values: [] }], Messages: null }];
  return {
    body: { type: 'timeserie', measure: 'Used Capacity', axis: { non_negative_derivative: { unit: 'bps', title: '' } }, Results },
  };
}

/** Whether the organisation is the caller's own or below it (a loop in the tree does not make it so). */
function visible(world: IntercloudWorld, org: SimOrganisation): boolean {
  const seen = new Set<string>();
  for (let o: SimOrganisation | undefined = org; o && !seen.has(o.id); o = world.organisation(o.parentId)) {
    if (o === world.root) return true;
    seen.add(o.id);
  }
  return false;
}

function failure(world: IntercloudWorld, orgId: string): SimResponse | undefined {
  const status = world.failureOf(orgId);
  return status === undefined ? undefined : error(status, 'organisation temporarily unavailable');
}

function isOrganisation(x: SimOrganisation | SimResponse): x is SimOrganisation {
  return 'children' in x;
}

function meInfo(world: IntercloudWorld, auth: IntercloudAuth): unknown {
  const at = '2020-06-26T10:23:26.672563Z';
  return {
    id: auth.userId,
    createdAt: at,
    updatedAt: at,
    lastname: 'admin',
    firstname: 'reseller',
    email: auth.username,
    role: 'admin',
    contact: null,
    preference: null,
    login: { id: rngUuid(createRng(world.seed + 1)), userId: auth.userId, numberLogin: 3, numberFaileLogin: 0 },
    organisationId: world.root.id,
  };
}

function organisationBody(world: IntercloudWorld, org: SimOrganisation): unknown {
  return {
    id: org.id,
    name: org.name,
    address: { id: org.id.replace(/^.{8}/, '009d5c97'), organisationId: org.id, street: 'd', city: 'd', zipcode: 'd', country: 'd' },
    capacities: org.capacities,
    phone: 'd',
    parentId: org.parentId,
    children: org.children.map((id) => {
      const c = world.organisation(id)!;
      return { id: c.id, name: c.name, reseller: c.reseller, childrenCount: c.children.length };
    }),
    reseller: org.reseller,
  };
}

function groupBody(g: SimGroup): unknown {
  const at = '2020-06-26T10:02:22.996745Z';
  return {
    id: g.id,
    createdAt: at,
    updatedAt: at,
    irn: g.irn,
    name: g.name,
    description: '',
    organisationId: g.organisationId,
    allocatedCapacity: g.allocatedCapacity,
    tagIds: null,
    countConnectors: g.countConnectors,
    countFlowConnectors: g.countFlowConnectors,
    countLinks: g.countLinks,
    countFlowLinks: g.countFlowLinks,
  };
}
