import { formatDuration } from '../../core/duration.js';
import type { MetricFamily } from '../../core/series.js';
import type { Query } from './config.js';

export function families(queries: Query[]): MetricFamily[] {
  return queries.flatMap((q) => {
    const what = q.mode === 'latest-per-resource'
      ? `sum of the latest value of each live ${q.resourceType} within ${formatDuration(q.lookbackMs)}`
      : `latest point of the aggregated series`;
    const by = q.groupBy.length ? ` per ${q.groupBy.join(', ')}` : '';
    return [
      { name: `gnocchi_${q.name}`, help: `Gnocchi ${q.operations} over ${q.resourceType}${by}: ${what}.`, type: 'gauge' as const },
      {
        name: `gnocchi_${q.name}_timestamp_seconds`,
        help: `Unix time of the newest Gnocchi point behind gnocchi_${q.name}.`,
        type: 'gauge' as const,
      },
    ];
  });
}
