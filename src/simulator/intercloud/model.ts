/** The objects of the simulated portal as its answers show them, and the options that shape a world. */

/** The seven regions of InterCloud's offer, as named by the group metrics. */
export const REGIONS = ['latin-america', 'japan', 'south-africa', 'southeast-asia', 'north-america', 'europe', 'pacific'] as const;

export interface WorldOptions {
  seed?: number;
  /** Organisations below the own one, at every depth. */
  organisations?: number;
  /** Deepest nesting of child organisations; the tree reaches it when there are enough organisations. */
  depth?: number;
  /** Groups per organisation: a number, or [min, max] drawn per organisation. */
  groupsPerOrg?: number | [number, number];
  /** Regions with a timeserie per group: a number, or [min, max] (0..7) drawn per group. */
  regionsPerGroup?: number | [number, number];
  /** Share of points whose value is null. */
  nullRate?: number;
  /** Share of group-region series that answer without any point. */
  emptyRate?: number;
  /** Some organisation and group names with quotes, backslashes, newlines and non-ASCII. */
  oddNames?: boolean;
  /**
   * Each group and region keeps one value, whatever the time: no daily cycle
   * and no noise, and its nulls at fixed places (all of its points, or only the
   * newest). For worlds whose values must not follow the clock.
   */
  steady?: boolean;
  /** Share of groups with an allocatedCapacity (the others answer null). */
  allocatedShare?: number;
  /** Share of organisations with capacities (the others answer null). */
  capacitiesShare?: number;
}

const DEFAULTS: Required<WorldOptions> = {
  seed: 1,
  organisations: 12,
  depth: 3,
  groupsPerOrg: [0, 4],
  regionsPerGroup: [0, 7],
  nullRate: 0.05,
  emptyRate: 0.05,
  oddNames: false,
  steady: false,
  allocatedShare: 0.5,
  capacitiesShare: 0.5,
};

/** Every option, its default where it is not given (or given as undefined). */
export function withDefaults(opts: WorldOptions): Required<WorldOptions> {
  const given: WorldOptions = Object.fromEntries(Object.entries(opts).filter(([, value]) => value !== undefined));
  return { ...DEFAULTS, ...given };
}

export interface SimOrganisation {
  id: string;
  name: string;
  parentId: string;
  /** Set by the portal for resellers; a reseller may have no children yet. */
  reseller: boolean;
  children: string[];
  groups: SimGroup[];
  /** As GET /organisations/<id> answers it: null, region -> kbit/s, or [{region, capacity}]; any JSON for odd answers. */
  capacities: unknown;
}

export interface SimMetric {
  name: string;
  type: string;
}

export interface SimGroup {
  id: string;
  name: string;
  irn: string;
  organisationId: string;
  countConnectors: number;
  countLinks: number;
  countFlowConnectors: number;
  countFlowLinks: number;
  /** As GET /groups answers it: kbit/s (as InterCloud's Terraform provider reads it) or null; any JSON for odd answers. */
  allocatedCapacity: unknown;
  metrics: SimMetric[];
  /** Typical used capacity in bit/s. */
  level: number;
}
