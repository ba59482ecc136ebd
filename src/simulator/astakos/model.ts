/** `released` (Synnefo with projects as resource pools, at `/account/v1.0`) or `seed` (the early draft API document, at `/astakos/api`). */
export type AstakosShape = 'released' | 'seed';

/** Astakos' "unlimited": the largest signed 64-bit integer. */
export const UNLIMITED = 2n ** 63n - 1n;
export const GiB = 2n ** 30n;

export interface ResourceDef {
  name: string;
  component: string;
  unit: 'bytes' | null;
  description: string;
  /** Per-member limit in a user's own project. */
  base: bigint;
}

/** The resources a default Synnefo registers, as `/resources` describes them. */
export const RESOURCES: readonly ResourceDef[] = [
  { name: 'cyclades.vm', component: 'cyclades', unit: null, description: 'Number of virtual machines', base: 4n },
  { name: 'cyclades.cpu', component: 'cyclades', unit: null, description: 'Number of virtual machine processors', base: 8n },
  { name: 'cyclades.ram', component: 'cyclades', unit: 'bytes', description: 'Virtual machine memory', base: 8n * GiB },
  { name: 'cyclades.disk', component: 'cyclades', unit: 'bytes', description: 'Virtual machine disk size', base: 80n * GiB },
  { name: 'cyclades.floating_ip', component: 'cyclades', unit: null, description: 'Number of Floating IP addresses', base: 1n },
  { name: 'pithos.diskspace', component: 'pithos', unit: 'bytes', description: 'Pithos account storage space', base: 20n * GiB },
  { name: 'astakos.pending_app', component: 'astakos', unit: null, description: 'Number of pending project applications', base: 2n },
];

export interface SimUser {
  uuid: string;
  name: string;
}

export interface Holding {
  limit: bigint;
  usage: bigint;
  pending: bigint;
}

export interface SimProject {
  /** The key Astakos uses as source: a uuid (released) or `system` / `project:<n>` (seed). */
  id: string;
  /** Project-wide limits; a user's own project has none beyond the member's. */
  limits: Map<string, bigint>;
  members: number[];
  /** Usage and pending the project's counter still holds for members removed from Astakos. */
  retained: Map<string, { usage: bigint; pending: bigint }>;
}

export interface SimCommission {
  serial: number;
  component: string;
  user: number;
  source: string;
  resource: string;
  quantity: bigint;
}

/** One entry as Astakos writes it: `usage`, `limit`, `pending`, and for released Synnefo the `project_*` figures. */
export type QuotaEntry = Record<string, bigint>;
/** `{<source>: {<resource>: entry}}`, the shape of `/quotas`. */
export type SourceQuotas = Record<string, Record<string, QuotaEntry>>;

export interface WorldOptions {
  seed: number;
  shape: AstakosShape;
  users: number;
  projects: number;
}
