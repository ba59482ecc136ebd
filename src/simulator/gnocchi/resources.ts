import type { Instance } from './model.js';

/** A resource as the indexer holds it: attribute name to value (times as Gnocchi writes them). */
export type Resource = Readonly<Record<string, string | null>>;

const GENERIC = [
  'id',
  'original_resource_id',
  'type',
  'project_id',
  'user_id',
  'created_by_project_id',
  'created_by_user_id',
  'creator',
  'started_at',
  'ended_at',
  'revision_start',
  'revision_end',
];

/** The resource types this Gnocchi knows and their attributes: `instance` as Ceilometer creates it. */
export const RESOURCE_TYPES: Readonly<Record<string, readonly string[]>> = {
  generic: GENERIC,
  instance: [...GENERIC, 'display_name', 'flavor_name', 'flavor_id', 'host', 'image_ref', 'server_group'],
};

export const DATETIME_ATTRIBUTES: ReadonlySet<string> = new Set(['started_at', 'ended_at', 'revision_start', 'revision_end']);

/** Bucket starts and resource times as Gnocchi writes them: no fraction, `+00:00`. */
export function gnocchiTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

const FLAVOR_IDS: Record<string, string> = { 'm1.tiny': '1', 'm1.small': '2', 'm1.medium': '3', 'm1.large': '4', 'm1.xlarge': '5' };

/** A small number drawn from an id, so that derived attributes stay the same for the same world. */
function spread(id: string, n: number): number {
  return parseInt(id.slice(-4), 16) % n;
}

export interface Creator {
  /** Ceilometer's user and service project. */
  userId: string;
  projectId: string;
  /** The user owning the instances (and creating those not made by Ceilometer). */
  ownerId: string;
}

export function instanceResource(i: Instance, who: Creator): Resource {
  const creatorUser = i.createdByProjectId === who.projectId ? who.userId : who.ownerId;
  return {
    id: i.id,
    original_resource_id: i.id,
    type: 'instance',
    project_id: i.projectId,
    user_id: who.ownerId,
    created_by_project_id: i.createdByProjectId,
    created_by_user_id: creatorUser,
    creator: `${creatorUser}:${i.createdByProjectId}`,
    started_at: gnocchiTime(i.startedAt),
    ended_at: i.endedAt === null ? null : gnocchiTime(i.endedAt),
    revision_start: gnocchiTime(i.revisedAt),
    revision_end: null,
    display_name: i.displayName,
    flavor_name: i.flavorName,
    flavor_id: FLAVOR_IDS[i.flavorName] ?? i.flavorName,
    host: `compute-${String(spread(i.id, 4) + 1)}`,
    image_ref: `${i.id.slice(0, 8)}-0000-4000-a000-000000000${String(100 + spread(i.id, 3))}`,
    server_group: null,
  };
}
