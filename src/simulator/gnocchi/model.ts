/** The archive policy of a metric: what Gnocchi keeps of its measures, and how. */
export interface ArchivePolicy {
  name: string;
  /** Granularities in seconds, in the order of the policy's definition. */
  granularities: number[];
  aggregationMethods: string[];
}

/** The policy the real stack was measured with: Ceilometer-like methods at 5 minutes and 1 hour. */
export const DEFAULT_POLICY: ArchivePolicy = { name: 'vcpus-300s', granularities: [300, 3600], aggregationMethods: ['mean', 'min', 'max', 'last'] };

export interface VcpusMetric {
  id: string;
  policy: ArchivePolicy;
}

export interface Instance {
  id: string;
  projectId: string;
  /** The project whose credentials made the resource: Ceilometer's service project, unless told. */
  createdByProjectId: string;
  flavorName: string;
  displayName: string;
  vcpus: number;
  /** Unix ms. */
  startedAt: number;
  endedAt: number | null;
  /** Unix ms of the resource's last change (creation, resize, deletion): its `revision_start`. */
  revisedAt: number;
  /** Raw vcpus measures as the instance emitted them: at creation, resize, deletion and on each audit. */
  points: Array<{ at: number; value: number }>;
  /** The `vcpus` metric; null for a resource made without one. */
  metric: VcpusMetric | null;
}

export interface NewInstance {
  flavorName?: string;
  displayName?: string;
  createdByProjectId?: string;
  /** The metric's archive policy; null makes the resource without a `vcpus` metric. */
  policy?: ArchivePolicy | null;
}

export const FLAVORS = [
  { name: 'm1.tiny', vcpus: 1 },
  { name: 'm1.small', vcpus: 1 },
  { name: 'm1.medium', vcpus: 2 },
  { name: 'm1.large', vcpus: 4 },
  { name: 'm1.xlarge', vcpus: 8 },
];
