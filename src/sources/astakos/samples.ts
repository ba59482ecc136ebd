import type { Sample } from '../../core/series.js';
import * as f from './families.js';
import type { Holding, ResourceDescription } from './client.js';

/**
 * Quota series grouped by part key: `quotas/<component>/holder/<holder>` and
 * `quotas/<component>/project/<project>`. `usage` already counts `pending`, so
 * both are exposed as Astakos gives them. A series reported twice (by two
 * tokens, or a project's figures by each member) is kept once, first come.
 */
export function groupQuotaSamples(holdings: Holding[], componentOf: (resource: string) => string): Map<string, Sample[]> {
  const parts = new Map<string, { seen: Set<string>; samples: Sample[] }>();
  const partOf = (key: string) => {
    let part = parts.get(key);
    if (!part) parts.set(key, (part = { seen: new Set(), samples: [] }));
    return part;
  };
  for (const h of holdings) {
    const component = `quotas/${encodeURIComponent(componentOf(h.resource))}`;
    // Within a holder's part a series is named by its source and resource; within a project's, by its resource.
    const holder = partOf(`${component}/holder/${encodeURIComponent(h.holder)}`);
    const id = `${h.source}\u0000${h.resource}`;
    if (!holder.seen.has(id)) {
      holder.seen.add(id);
      const labels = { holder: h.holder, source: h.source, resource: h.resource };
      holder.samples.push(f.quotaLimit.sample(labels, h.limit), f.quotaUsage.sample(labels, h.usage), f.quotaPending.sample(labels, h.pending));
    }
    if (!h.project) continue;
    const project = partOf(`${component}/project/${encodeURIComponent(h.source)}`);
    if (project.seen.has(h.resource)) continue;
    project.seen.add(h.resource);
    const labels = { project: h.source, resource: h.resource };
    project.samples.push(
      f.projectQuotaLimit.sample(labels, h.project.limit),
      f.projectQuotaUsage.sample(labels, h.project.usage),
      f.projectQuotaPending.sample(labels, h.project.pending),
    );
  }
  return new Map([...parts].map(([key, part]) => [key, part.samples]));
}

export function resourceSamples(resources: ResourceDescription[]): Sample[] {
  return resources.map((r) => f.resourceInfo.sample({ resource: r.resource, component: r.component, unit: r.unit, description: r.description }, 1));
}
