import { secretField, type ConfigSchema } from '../../config/fields.js';
import type { TargetConfig } from '../../core/source.js';
import { RATE_UNITS, type RateUnit } from '../../core/units.js';

export interface IntercloudTarget extends TargetConfig {
  auth: {
    personalAccessToken: string;
    username: string;
    password: string;
    basicToken: string;
    scope: string;
  };
  discoveryInterval: number;
  window: number;
  maxDepth: number;
  includeOwnOrganisation: boolean;
  /**
   * The portal's only stated unit is bit/s, on the used capacity; InterCloud's
   * own Terraform provider reads a group's allocatedCapacity as kbit/s (5000 =
   * 5 Mbps), hence the default, which this corrects without a release.
   */
  capacityUnit: RateUnit;
  shard: { index: number; count: number };
}

export const schema: ConfigSchema = {
  auth: {
    ...secretField('personalAccessToken', "Personal Access Token from the portal's Account Settings, sent as the Bearer token"),
    username: { doc: 'Portal user for the password grant (POST /auth/token), instead of a Personal Access Token', format: String, default: '' },
    ...secretField('password', 'Password of `username`'),
    ...secretField('basicToken', 'The <basic_token> InterCloud provides on demand for POST /auth/token (Authorization: Basic)'),
    scope: { doc: 'OAuth scope asked for in the password grant', format: String, default: 'everything' },
  },
  discoveryInterval: {
    doc: 'How often the organisation tree, the groups and their regions are listed again; other cycles only run the value queries',
    format: 'duration',
    default: '1h',
  },
  window: { doc: 'Span of each /run query, ending at the cycle start; the newest non-null point in it is the value', format: 'duration', default: '30m' },
  maxDepth: { doc: 'Deepest level of child organisations walked below the own organisation', format: 'nat', default: 10 },
  includeOwnOrganisation: { doc: 'Also collect the groups of the own organisation, not only those of its children', format: 'bool', default: true },
  capacityUnit: {
    doc: "Unit of the portal's allocatedCapacity (groups) and capacities (organisations): bps, kbps or Mbps; kbps as InterCloud's Terraform provider reads it",
    format: [...RATE_UNITS],
    default: 'kbps',
  },
  shard: {
    index: { doc: "This replica's shard, 0 .. count-1; the own organisation belongs to shard 0", format: 'nat', default: 0 },
    count: { doc: 'Replicas that split the organisations between them by a hash of the organisation id', format: 'positive-int', default: 1 },
  },
};

export function check(target: IntercloudTarget): Array<[string, string]> {
  const problems: Array<[string, string]> = [];
  const { auth } = target;
  const grant = auth.username || auth.password || auth.basicToken;
  if (auth.personalAccessToken && grant) {
    problems.push(['auth', 'give either personalAccessToken or username/password/basicToken, not both']);
  } else if (!auth.personalAccessToken && !grant) {
    problems.push(['auth', 'give personalAccessToken, or username, password and basicToken for the password grant']);
  } else if (grant) {
    for (const key of ['username', 'password', 'basicToken'] as const) {
      if (!auth[key]) problems.push([`auth.${key}`, 'is required for the password grant (with username, password and basicToken)']);
    }
  }
  if (target.window < 5 * 60_000) {
    problems.push(['window', 'must be at least 5m: InterCloud stores one point every 5 minutes']);
  }
  if (target.shard.index >= target.shard.count) {
    problems.push(['shard.index', `must be below shard.count (${target.shard.count})`]);
  }
  return problems;
}
