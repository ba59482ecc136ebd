import { formatDuration } from '../../core/duration.js';
import { gauge, type Gauge, type MetricFamily } from '../../core/family.js';
import type { Query } from './config.js';

export interface QueryFamilies {
  value: Gauge<string>;
  timestamp: Gauge<string>;
}

/** A query's two series, `gnocchi_<name>` and its timestamp, labelled by the query's group-by attributes. */
export function queryFamilies(q: Query): QueryFamilies {
  const what =
    q.mode === 'latest-per-resource'
      ? `sum of the latest value of each live ${q.resourceType} within ${formatDuration(q.lookbackMs)}`
      : `latest point of the aggregated series`;
  const by = q.groupBy.length ? ` per ${q.groupBy.join(', ')}` : '';
  return {
    value: gauge(`gnocchi_${q.name}`, `Gnocchi ${q.operations} over ${q.resourceType}${by}: ${what}.`, q.groupBy),
    timestamp: gauge(`gnocchi_${q.name}_timestamp_seconds`, `Unix time of the newest Gnocchi point behind gnocchi_${q.name}.`, q.groupBy),
  };
}

/**
 * Gnocchi shows a token without the admin role only its own project's
 * resources, with no error: a total that silently covers less. The count of
 * projects in each answer makes such a drop visible.
 */
export const projectsSeen = gauge(
  'gnocchi_query_projects_seen',
  'Projects whose resources the last answer to the query held (when it groups by project_id): a drop means the Keystone user sees fewer projects; seeing all needs the admin role.',
  ['query'],
);

/** Whether a query's answer tells the projects apart: latest-per-resource always asks for project_id; aggregate mode when it groups by it. */
export function countsProjects(q: Query): boolean {
  return q.mode === 'latest-per-resource' || q.groupBy.includes('project_id');
}

export function families(queries: readonly Query[]): MetricFamily[] {
  const perQuery = queries.flatMap((q) => {
    const { value, timestamp } = queryFamilies(q);
    return [value, timestamp];
  });
  return queries.some(countsProjects) ? [...perQuery, projectsSeen] : perQuery;
}
