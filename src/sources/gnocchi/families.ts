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

export function families(queries: readonly Query[]): MetricFamily[] {
  return queries.flatMap((q) => {
    const { value, timestamp } = queryFamilies(q);
    return [value, timestamp];
  });
}
