import type { SimRequest, SimResponse, SimServer } from '../server.js';
import { getMeasures, type MeasuresRequest, type Reference } from './aggregation.js';
import type { TokenCheck } from './auth.js';
import { errorAnswer, GnocchiCrash, GnocchiHttpError, refusesJson } from './errors.js';
import { parseOperations, type Operations } from './operations.js';
import { parseAggregatesQuery, type AggregatesQuery, type GnocchiVersion } from './params.js';
import { pyJson, pyRepr } from './pyjson.js';
import { stringCondition } from './querystring.js';
import { instanceResource, RESOURCE_TYPES, type Resource } from './resources.js';
import { compileCondition, jsonCondition, projectPolicy, type Condition } from './search.js';
import type { Instance } from './model.js';
import type { GnocchiWorld } from './world.js';

export interface AggregatesDeps {
  world: GnocchiWorld;
  tokens: TokenCheck;
  version(): GnocchiVersion;
  now(): number;
  /** Emits the audits that fell due, before each answer. */
  advance(): void;
}

interface Body {
  operations: Operations;
  resourceType?: string;
  search?: Condition | 'everything';
}

interface Row {
  instance: Instance;
  resource: Resource;
}

function header(req: SimRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** fnmatch: a metric name in `operations` may be a shell wildcard. */
function matches(pattern: string, name: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
    .replace(/\[!/g, '[^');
  return new RegExp(`^${re}$`, 's').test(name);
}

/**
 * The body as Gnocchi validates it: `operations` first, then each other key
 * in the order the client wrote them. What its schema lets through but its
 * code then trips on (no `operations`, no `search`, a search of the wrong
 * type) is a crash.
 */
function readBody(raw: unknown): Body {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new GnocchiHttpError(400, { cause: 'Invalid input', reason: 'expected a dictionary', detail: [] });
  }
  const fields = Object.entries(raw as Record<string, unknown>);
  for (const [key] of fields) {
    if (!['operations', 'resource_type', 'search'].includes(key)) {
      throw new GnocchiHttpError(400, { cause: 'Invalid input', reason: `extra keys not allowed @ data['${key}']`, detail: [key] });
    }
  }
  const ops = fields.find(([k]) => k === 'operations');
  if (!ops) throw new GnocchiCrash('no operations');
  const body: Body = { operations: parseOperations(ops[1]) };
  for (const [key, value] of fields) {
    if (key === 'resource_type') {
      if (typeof value !== 'string' || !(value in RESOURCE_TYPES)) {
        throw new GnocchiHttpError(400, { cause: 'Resource type does not exist', detail: value });
      }
      body.resourceType = value;
    } else if (key === 'search') {
      body.search = typeof value === 'string' ? stringCondition(value) : (jsonCondition(value) ?? 'everything');
    }
  }
  return body;
}

/** Gnocchi's answer when no resource searched has the metrics: 400 before 4.5, 404 from 4.5 on. */
function noSuchMetric(ops: Operations, version: GnocchiVersion): GnocchiHttpError {
  const names = [...new Set(ops.references.map((r) => r.name))].sort();
  return version === 'current'
    ? new GnocchiHttpError(404, `Metric ${pyRepr(names)} does not exist`)
    : new GnocchiHttpError(400, { cause: 'Metrics not found', detail: names });
}

function compareValues(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** uWSGI's `Connection: close` on every answer: Gnocchi never keeps a connection alive. */
function closing(answer: SimResponse): SimResponse {
  return { ...answer, headers: { ...answer.headers, connection: 'close' } };
}

/** `POST /v1/aggregates` (and the 405 of its other methods), as Gnocchi answers them. */
export function aggregatesRoutes(server: SimServer, deps: AggregatesDeps): void {
  server.route('POST', '/v1/aggregates', (req) => {
    deps.advance();
    const caller = deps.tokens.caller(req);
    if (!caller) return closing(deps.tokens.unauthorized());
    const accept = header(req, 'accept');
    if (refusesJson(accept)) return closing(errorAnswer(accept, 406, ''));
    try {
      return closing({ raw: pyJson(aggregates(req, deps, caller.roles.includes('admin') ? undefined : caller.projectId)) });
    } catch (err) {
      if (err instanceof GnocchiCrash) return { reset: true };
      if (err instanceof GnocchiHttpError) return closing(errorAnswer(accept, err.status, err.description));
      throw err;
    }
  });
  server.route(['GET', 'PUT', 'PATCH', 'DELETE'], '/v1/aggregates', (req) =>
    closing(deps.tokens.caller(req) ? errorAnswer(header(req, 'accept'), 405, '') : deps.tokens.unauthorized()),
  );
}

function aggregates(req: SimRequest, deps: AggregatesDeps, ownProject: string | undefined): unknown {
  const version = deps.version();
  const q = parseAggregatesQuery(req.query, version, deps.now());
  if (!(header(req, 'content-type') ?? '').startsWith('application/json')) throw new GnocchiHttpError(415, '');
  const body = readBody(req.body);
  const measures: Omit<MeasuresRequest, 'aggregate'> = {
    start: q.start,
    stop: q.stop,
    granularity: q.granularity,
    neededOverlap: q.neededOverlap,
    fill: q.fill,
  };
  const request: MeasuresRequest = { ...measures, aggregate: body.operations.aggregate };
  if (body.resourceType === undefined) return byMetricIds(body.operations, deps.world, request, ownProject);
  if (body.search === undefined) throw new GnocchiCrash('no search');
  const rows = searchResources(body.resourceType, body.search, q, deps, ownProject);
  const refsOf = (members: Row[]): Reference[] =>
    members.flatMap(({ instance }) =>
      body.operations.references.flatMap(({ name, method }) => {
        const metric = instance.metric;
        return metric && matches(name, 'vcpus') ? [{ resourceId: instance.id, name: 'vcpus', lookup: name, method, metric, points: instance.points }] : [];
      }),
    );
  const answer = (members: Row[]) => {
    const refs = refsOf(members);
    if (refs.length === 0) return undefined;
    const out: Record<string, unknown> = { measures: getMeasures(refs, request) };
    if (q.details) out.references = [...new Map(members.map((m) => [m.instance.id, m.resource])).values()];
    return out;
  };
  if (q.groupby.length === 0) return answer(rows) ?? fail(noSuchMetric(body.operations, version));
  const results: unknown[] = [];
  for (let i = 0; i < rows.length;) {
    const key = q.groupby.map((g) => rows[i]!.resource[g] ?? null);
    let end = i + 1;
    while (end < rows.length && q.groupby.every((g, k) => (rows[end]!.resource[g] ?? null) === key[k])) end++;
    const measures = answer(rows.slice(i, end));
    if (measures) results.push({ group: Object.fromEntries(q.groupby.map((g, k) => [g, key[k]])), measures });
    i = end;
  }
  return results.length ? results : fail(noSuchMetric(body.operations, version));
}

function fail(err: GnocchiHttpError): never {
  throw err;
}

/**
 * The indexer's search: the client's filter, ANDed with the time range (from
 * 4.5 on) and the caller's project policy (without the admin role); sorted by
 * the groupby attributes (nulls last), then by id.
 */
function searchResources(type: string, search: Condition | 'everything', q: AggregatesQuery, deps: AggregatesDeps, ownProject: string | undefined): Row[] {
  const { world } = deps;
  const parts: Condition[] = search === 'everything' ? [] : [search];
  if (deps.version() === 'current') {
    const iso = (ms: number) => new Date(ms).toISOString();
    if (q.stop !== undefined)
      parts.unshift({
        op: 'or',
        parts: [
          { op: 'lt', attr: 'started_at', value: iso(q.stop) },
          { op: 'lt', attr: 'revision_start', value: iso(q.stop) },
        ],
      });
    if (q.start !== undefined)
      parts.unshift({
        op: 'or',
        parts: [
          { op: 'ge', attr: 'ended_at', value: iso(q.start) },
          { op: 'eq', attr: 'ended_at', value: null },
        ],
      });
  }
  if (ownProject !== undefined) parts.unshift(projectPolicy(ownProject));
  const keep = parts.length ? compileCondition({ op: 'and', parts }, type) : () => true;
  const attributes = RESOURCE_TYPES[type] ?? [];
  const badKey = q.groupby.find((g) => !attributes.includes(g));
  if (badKey !== undefined) throw new GnocchiHttpError(400, `Invalid pagination: \`Sort key supplied is invalid: ${badKey}'`);
  const who = { userId: world.ceilometerUserId, projectId: world.serviceProject.id, ownerId: world.member.id };
  const sorts = q.groupby.length ? [...q.groupby, 'id'] : ['revision_start', 'started_at', 'id'];
  return world.instances
    .map((instance) => ({ instance, resource: instanceResource(instance, who) }))
    .filter((row) => keep(row.resource))
    .sort((a, b) => {
      for (const s of sorts) {
        const c = compareValues(a.resource[s] ?? null, b.resource[s] ?? null);
        if (c !== 0) return c;
      }
      return 0;
    });
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Without `resource_type`, the operations name metrics by UUID. */
function byMetricIds(ops: Operations, world: GnocchiWorld, request: MeasuresRequest, ownProject: string | undefined): unknown {
  if (!ops.references.every((r) => UUID.test(r.name))) {
    throw new GnocchiHttpError(400, {
      cause: 'Invalid metric references',
      reason: 'badly formed hexadecimal UUID string',
      detail: ops.references.map((r) => [r.name, r.method]),
    });
  }
  const canonical = (id: string) => id.replace(/-/g, '').toLowerCase();
  const refs: Reference[] = [];
  const missing = new Set<string>();
  for (const { name, method } of ops.references) {
    const instance = world.instances.find((i) => i.metric && canonical(i.metric.id) === canonical(name));
    if (!instance?.metric) missing.add(name);
    else if (ownProject !== undefined && instance.projectId !== ownProject && instance.createdByProjectId !== ownProject) throw new GnocchiHttpError(403, '');
    else refs.push({ resourceId: undefined, name: instance.metric.id, lookup: instance.metric.id, method, metric: instance.metric, points: instance.points });
  }
  if (missing.size) throw new GnocchiHttpError(404, { cause: 'Unknown metrics', reason: "Provided metrics don't exists", detail: [...missing] });
  return { measures: getMeasures(refs, request) };
}
