import { CycleResult, type Sample } from '../../core/series.js';
import type { Collector, CollectorDeps, CycleContext } from '../../core/source.js';
import type { GnocchiAuth } from './auth.js';
import { GnocchiClient } from './client.js';
import { explainGnocchiError } from './errors.js';
import { resolveQueries, type GnocchiTarget, type Query } from './config.js';
import { countsProjects, projectsSeen, queryFamilies, type QueryFamilies } from './families.js';
import { isMetricNotFound, latestPoint, type Series } from './parse.js';

/** Only resources still alive: deleted instances stay searchable in Gnocchi with `ended_at` set. */
export function liveOnly(search: Query['search']): Query['search'] {
  if (search === undefined) return 'ended_at=null';
  if (typeof search === 'string') return `(${search}) and ended_at=null`;
  return { and: [search, { '=': { ended_at: null } }] };
}

/** The look-back window, its start moved back to a bucket boundary so that the bucket holding it counts. */
function queryWindow(query: Query, now: number): { start: number; stop: number } {
  const step = query.granularitySeconds * 1000;
  return { start: Math.floor((now - query.lookbackMs) / step) * step, stop: now };
}

export class GnocchiCollector implements Collector {
  private readonly client: GnocchiClient;
  private readonly auth: GnocchiAuth;
  private readonly queries: Array<{ query: Query; families: QueryFamilies }>;
  private warnedRoles = false;

  constructor(target: GnocchiTarget, deps: CollectorDeps<GnocchiAuth>) {
    this.client = new GnocchiClient(deps.http, deps.auth);
    this.auth = deps.auth;
    this.queries = resolveQueries(target).map((query) => ({ query, families: queryFamilies(query) }));
  }

  async collect(ctx: CycleContext): Promise<CycleResult> {
    const result = new CycleResult(ctx);
    await Promise.all(this.queries.map((q) => result.part(`query/${q.query.name}`, () => this.run(q.query, q.families, ctx))));
    this.warnIfNotAdmin(ctx);
    return result;
  }

  private async run(query: Query, families: QueryFamilies, ctx: CycleContext): Promise<Sample[]> {
    const latest = query.mode === 'latest-per-resource';
    // latest-per-resource groups by instance anyway: asking for project_id too costs nothing and tells the projects apart.
    const groupBy = latest ? [...new Set(['id', 'project_id', ...query.groupBy])] : query.groupBy;
    let series: Series[];
    try {
      series = await this.client.aggregates(
        { query, groupBy, search: latest ? liveOnly(query.search) : query.search, ...queryWindow(query, ctx.startedAt) },
        ctx,
      );
    } catch (err) {
      if (!isMetricNotFound(err)) throw explainGnocchiError(err, query.name);
      series = [];
    }
    const samples = toSamples(families, latest ? sumLatestPerGroup(query, series) : latestPerGroup(series));
    if (countsProjects(query)) samples.push(projectsSeen.sample({ query: query.name }, new Set(series.map((s) => s.group.project_id)).size));
    return samples;
  }

  /** Once: a token without the admin role sees only its own project, and Gnocchi says nothing about it. */
  private warnIfNotAdmin(ctx: CycleContext): void {
    const roles = this.auth.roles();
    if (this.warnedRoles || roles === undefined || roles.includes('admin')) return;
    this.warnedRoles = true;
    ctx.log.warn(
      { roles },
      "the Keystone token has no admin role: Gnocchi shows it only its own project's resources, so the totals cover that project alone (see gnocchi_query_projects_seen)",
    );
  }
}

interface GroupValue {
  labels: Record<string, string>;
  value: number;
  /** Unix ms of the newest point behind the value. */
  at: number;
}

/** aggregate mode: the newest point of each aggregated series. */
function latestPerGroup(series: Series[]): GroupValue[] {
  return series.flatMap((s) => {
    const p = latestPoint(s.points);
    return p ? [{ labels: s.group, value: p.value, at: p.at }] : [];
  });
}

/**
 * latest-per-resource mode: every resource's newest point within the window
 * (whenever it last reported), added up per group-by labels.
 */
function sumLatestPerGroup(query: Query, series: Series[]): GroupValue[] {
  const groups = new Map<string, GroupValue>();
  for (const s of series) {
    const p = latestPoint(s.points);
    if (!p) continue;
    const labels = Object.fromEntries(query.groupBy.map((g) => [g, s.group[g] ?? '']));
    const key = JSON.stringify(query.groupBy.map((g) => labels[g]));
    const group = groups.get(key);
    if (group) {
      group.value += p.value;
      group.at = Math.max(group.at, p.at);
    } else {
      groups.set(key, { labels, value: p.value, at: p.at });
    }
  }
  return [...groups.values()];
}

function toSamples(families: QueryFamilies, values: GroupValue[]): Sample[] {
  return values.flatMap((v) => [families.value.sample(v.labels, v.value), families.timestamp.sample(v.labels, v.at / 1000)]);
}
