import type { Sample } from '../../core/series.js';
import * as f from './families.js';
import type { Holding, ProjectQuota, Quantities, ResourceDescription } from './client.js';

/**
 * Quota series grouped by part key: `quotas/<component>/holder/<holder>` and
 * `quotas/<component>/project/<project>`. `usage` already counts `pending`, so
 * both are exposed as Astakos gives them. A series reported twice is kept
 * once, first come: a holding seen by two tokens, and a project's figures,
 * which every member's entry repeats and `/service_project_quotas` gives too
 * (all read from the same project counter).
 */
export function groupQuotaSamples(
  holdings: readonly Holding[],
  projects: readonly ProjectQuota[],
  componentOf: (resource: string) => string,
): Map<string, Sample[]> {
  const parts = new Map<string, { seen: Set<string>; samples: Sample[] }>();
  const partOf = (key: string) => {
    let part = parts.get(key);
    if (!part) parts.set(key, (part = { seen: new Set(), samples: [] }));
    return part;
  };
  const component = (resource: string) => `quotas/${encodeURIComponent(componentOf(resource))}`;
  // Within a project's part a series is named by its resource.
  const addProject = (project: string, resource: string, q: Quantities) => {
    const part = partOf(`${component(resource)}/project/${encodeURIComponent(project)}`);
    if (part.seen.has(resource)) return;
    part.seen.add(resource);
    const labels = { project, resource };
    part.samples.push(
      f.projectQuotaLimit.sample(labels, q.limit),
      f.projectQuotaUsage.sample(labels, q.usage),
      f.projectQuotaPending.sample(labels, q.pending),
    );
  };
  for (const h of holdings) {
    // Within a holder's part a series is named by its source and resource.
    const holder = partOf(`${component(h.resource)}/holder/${encodeURIComponent(h.holder)}`);
    const id = `${h.source}\u0000${h.resource}`;
    if (!holder.seen.has(id)) {
      holder.seen.add(id);
      const labels = { holder: h.holder, source: h.source, resource: h.resource };
      holder.samples.push(f.quotaLimit.sample(labels, h.limit), f.quotaUsage.sample(labels, h.usage), f.quotaPending.sample(labels, h.pending));
      if (h.project) holder.samples.push(f.quotaEffectiveLimit.sample(labels, effectiveLimit(h, h.project)));
    }
    if (h.project) addProject(h.source, h.resource, h.project);
  }
  for (const p of projects) addProject(p.project, p.resource, p);
  return new Map([...parts].map(([key, part]) => [key, part.samples]));
}

/**
 * The most a member's usage can reach: Astakos' quotaholder checks every
 * allocation against the member's holding and the project's
 * (`snf-astakos-app/astakos/quotaholder_app/commission.py`), so what the
 * project has left caps the member too. Below the usage when the project is
 * already over its limit.
 */
function effectiveLimit(h: Quantities, project: Quantities): number {
  return Math.min(h.limit, project.limit - (project.usage - h.usage));
}

export function resourceSamples(resources: ResourceDescription[]): Sample[] {
  return resources.map((r) => f.resourceInfo.sample({ resource: r.resource, component: r.component, unit: r.unit, description: r.description }, 1));
}
