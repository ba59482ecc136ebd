import type { Cloud } from './random.js';

// What the simulated world is made of: the schema's states, the lifecycles services walk, offerings, pops and connection sizes.

/**
 * The simulator's own list of the schema's lifecycle states, on purpose not
 * the collector's: a test comparing the two catches either drifting.
 */
export const IXAPI_STATES = [
  'requested',
  'allocated',
  'testing',
  'production',
  'production_change_pending',
  'decommission_requested',
  'decommissioned',
  'archived',
  'error',
  'operator',
  'scheduled',
] as const;

/** Marks the end of a decommissioning lifecycle: the service leaves the API. */
export const GONE = 'gone';

/** The walks a service takes, one step per tick; the last step is kept. */
export const LIFECYCLES: Record<string, string[]> = {
  provision: ['requested', 'allocated', 'testing', 'production'],
  scheduled: ['scheduled', 'requested', 'allocated', 'operator', 'testing', 'production'],
  fail: ['requested', 'allocated', 'testing', 'error'],
  change: ['production', 'production_change_pending', 'production_change_pending', 'production'],
  decommission: ['requested', 'allocated', 'testing', 'production', 'production', 'decommission_requested', GONE],
};
export const LIFECYCLE_NAMES = Object.keys(LIFECYCLES);

export const OFFERINGS: Array<{ id: string; type: string; cloud?: Cloud }> = [
  { id: 'ms-express-route.ms-london.AMS', type: 'cloud_vc', cloud: 'azure' },
  { id: 'aws-dx.eu-west-1.AMS', type: 'cloud_vc', cloud: 'aws' },
  { id: 'gcp-pi.europe-west3.FRA', type: 'cloud_vc', cloud: 'google' },
  { id: 'oracle-fc.eu-frankfurt-1.FRA', type: 'cloud_vc', cloud: 'oracle' },
  { id: 'alibaba-ec.eu-central-1.FRA', type: 'cloud_vc', cloud: 'alibaba' },
  { id: 'p2p.AMS-FRA.1G', type: 'p2p_vc' },
  { id: 'exchange-lan.AMS', type: 'exchange_lan' },
];

export const POPS = ['pop-ams5-a', 'pop-ams7-b', 'pop-fra1-a', 'pop-lon2-b'];
export const CONNECTION_SPEEDS = [10_000, 10_000, 1_000, 100_000, 10_000, 100_000];
/** Allocated share of the limit per connection; null: a connection without a limit. */
export const ALLOCATION_RATIOS = [0.95, 0.14, 0.6, null, 0.88, 0.3];
