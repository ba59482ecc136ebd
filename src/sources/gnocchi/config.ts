import { objectArray, secretField, type ConfigSchema } from '../../config/fields.js';
import { parseDuration } from '../../core/duration.js';
import type { TargetConfig } from '../../core/source.js';
import { parseSearch, type Search } from './search.js';

export type QueryMode = 'latest-per-resource' | 'aggregate';
const QUERY_MODES: QueryMode[] = ['latest-per-resource', 'aggregate'];
export const CATALOG_INTERFACES = ['public', 'internal', 'admin'] as const;

export interface KeystoneConfig {
  url: string;
  username: string;
  userId: string;
  password: string;
  userDomain: string;
  userDomainId: string;
  project: string;
  projectId: string;
  projectDomain: string;
  projectDomainId: string;
  applicationCredentialId: string;
  applicationCredentialSecret: string;
  interface: (typeof CATALOG_INTERFACES)[number];
  region: string;
}

export interface QueryConfig {
  name: string;
  operations: string;
  resourceType: string;
  /** Gnocchi query syntax (`project_id=...`) or a JSON filter written as a string (`{"=": {...}}`). */
  search: string;
  groupBy: string[];
  /** Seconds as a number, or a duration string. */
  granularity: number | string;
  lookback: number;
  neededOverlap: number;
  /** '' leaves Gnocchi's default; otherwise `null`, `ffill`, `dropna` or a number. */
  fill: string | number;
  mode: QueryMode;
}

export interface GnocchiTarget extends TargetConfig {
  auth: { token: string; keystone: KeystoneConfig };
  queries: QueryConfig[];
}

/** A query ready to send: defaults applied, granularity in seconds, search parsed. */
export interface Query {
  name: string;
  operations: string;
  resourceType: string;
  search: Search | undefined;
  groupBy: string[];
  granularitySeconds: number;
  lookbackMs: number;
  neededOverlap: number;
  fill: string | undefined;
  mode: QueryMode;
}

const VCPUS_OPERATIONS = '(aggregate sum (metric vcpus mean))';

/** What an empty `queries` list means: provisioned vCPUs per project, counted per live instance. */
const BUILTIN_QUERY: QueryConfig = {
  name: 'provisioned_vcpus',
  operations: VCPUS_OPERATIONS,
  resourceType: 'instance',
  search: '',
  groupBy: ['project_id'],
  granularity: 300,
  lookback: 3_600_000,
  neededOverlap: 0,
  fill: '',
  mode: 'latest-per-resource',
};

function granularityFormat(value: unknown): void {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return;
  if (typeof value === 'string') {
    try {
      if (parseDuration(value) >= 1000) return;
    } catch {
      // reported below
    }
  }
  throw new Error('must be a number of seconds (300) or a duration of at least 1s (5m)');
}

/** Gnocchi 4.4 takes a number, null and dropna; 4.5 adds the forward and backward fills. */
const FILLS = ['', 'null', 'dropna', 'ffill', 'bfill', 'full_ffill', 'full_bfill'];

function fillFormat(value: unknown): void {
  if (typeof value === 'number' && Number.isFinite(value)) return;
  if (typeof value === 'string' && (FILLS.includes(value) || /^-?\d+(\.\d+)?$/.test(value))) return;
  throw new Error(`must be a number or one of ${FILLS.map((f) => JSON.stringify(f)).join(', ')}`);
}

const querySchema: ConfigSchema = {
  name: { doc: 'Metric name fragment: the series is gnocchi_<name>', format: String, default: '' },
  operations: { doc: 'Gnocchi operations, e.g. (aggregate sum (metric vcpus mean))', format: String, default: VCPUS_OPERATIONS },
  resourceType: { doc: 'Gnocchi resource type searched', format: String, default: 'instance' },
  search: {
    doc: 'Resource filter: Gnocchi query syntax (project_id=abc and flavor_name=m1.small) or a JSON filter ({"=": {"project_id": "abc"}}), as an object or a string',
    format: String,
    default: '',
    jsonText: true,
  },
  groupBy: { doc: 'Resource attributes to group by; each becomes a label', format: Array, default: ['project_id'] },
  granularity: { doc: 'Granularity asked of Gnocchi: seconds (300) or a duration (5m)', format: granularityFormat, default: '5m' },
  lookback: { doc: "How far back to look for each resource's latest point", format: 'duration', default: '1h' },
  neededOverlap: { doc: 'needed_overlap passed to Gnocchi (percent, 0-100)', format: 'non-negative-number', default: 0 },
  fill: {
    doc: 'fill passed to Gnocchi: "" (not sent), a number, "null" or "dropna"; Gnocchi 4.5 and later also take "ffill", "bfill", "full_ffill" and "full_bfill"',
    format: fillFormat,
    default: '',
  },
  mode: {
    doc: "latest-per-resource: sum of each live resource's latest value (right for sparse gauges such as vcpus); aggregate: the latest point of the aggregated series",
    format: QUERY_MODES,
    default: 'latest-per-resource',
  },
};

export const schema: ConfigSchema = {
  auth: {
    ...secretField('token', 'A fixed Keystone token sent as X-Auth-Token (needs baseUrl)'),
    keystone: {
      url: { doc: 'Keystone v3 URL (https://vhi:5000/v3); enables Keystone authentication', format: 'optional-url', default: '' },
      username: { doc: 'User name (password authentication)', format: String, default: '' },
      userId: { doc: 'User id, instead of username', format: String, default: '' },
      ...secretField('password', 'Password of the user'),
      userDomain: { doc: 'Domain name of the user', format: String, default: 'Default' },
      userDomainId: { doc: 'Domain id of the user, instead of userDomain', format: String, default: '' },
      project: { doc: 'Project (name) the token is scoped to', format: String, default: '' },
      projectId: { doc: 'Project id the token is scoped to, instead of project', format: String, default: '' },
      projectDomain: { doc: 'Domain name of the project', format: String, default: 'Default' },
      projectDomainId: { doc: 'Domain id of the project, instead of projectDomain', format: String, default: '' },
      applicationCredentialId: { doc: 'Application credential id (instead of a password)', format: String, default: '' },
      ...secretField('applicationCredentialSecret', 'Application credential secret'),
      interface: { doc: 'Catalog interface of the metric endpoint when baseUrl is empty', format: [...CATALOG_INTERFACES], default: 'public' },
      region: { doc: 'Catalog region of the metric endpoint when baseUrl is empty; "" accepts a single region', format: String, default: '' },
    },
  },
  queries: objectArray(querySchema, 'Aggregate queries; empty means the built-in provisioned_vcpus query', []),
};

const NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function granularitySeconds(value: number | string): number {
  return typeof value === 'number' ? value : parseDuration(value) / 1000;
}

export function resolveQueries(target: GnocchiTarget): Query[] {
  const configured = target.queries.length ? target.queries : [BUILTIN_QUERY];
  return configured.map((q) => ({
    name: q.name,
    operations: q.operations.trim(),
    resourceType: q.resourceType,
    search: parseSearch(q.search),
    groupBy: [...q.groupBy],
    granularitySeconds: granularitySeconds(q.granularity),
    lookbackMs: q.lookback,
    neededOverlap: q.neededOverlap,
    fill: q.fill === '' ? undefined : String(q.fill),
    mode: q.mode,
  }));
}

export function keystoneFlow(k: KeystoneConfig): 'password' | 'application_credential' {
  return k.applicationCredentialId || k.applicationCredentialSecret ? 'application_credential' : 'password';
}

export function check(target: GnocchiTarget): Array<[string, string]> {
  const problems: Array<[string, string]> = [];
  const { token, keystone: k } = target.auth;
  if (token && k.url) problems.push(['auth', 'give either token or keystone.url, not both']);
  else if (!token && !k.url) problems.push(['auth', 'give a token (token or tokenFile) or Keystone credentials (keystone.url ...)']);
  if (token && !target.baseUrl) problems.push(['baseUrl', 'is required with a static token (only Keystone has a catalog to find Gnocchi in)']);
  if (k.url) {
    if (keystoneFlow(k) === 'application_credential') {
      if (!k.applicationCredentialId) problems.push(['auth.keystone.applicationCredentialId', 'is required with applicationCredentialSecret']);
      if (!k.applicationCredentialSecret)
        problems.push(['auth.keystone.applicationCredentialSecret', 'is required (applicationCredentialSecret or applicationCredentialSecretFile)']);
      if (k.username || k.userId || k.password) problems.push(['auth.keystone', 'give an application credential or a user and password, not both']);
      if (k.project || k.projectId)
        problems.push(['auth.keystone.project', 'an application credential is already scoped to its project; leave project and projectId empty']);
    } else {
      if (!k.username && !k.userId) problems.push(['auth.keystone.username', 'is required (or userId, or an application credential)']);
      if (k.username && k.userId) problems.push(['auth.keystone.userId', 'give either username or userId, not both']);
      if (!k.password) problems.push(['auth.keystone.password', 'is required (password or passwordFile)']);
      if (!k.project && !k.projectId) problems.push(['auth.keystone.project', 'is required (or projectId): Gnocchi needs a project-scoped token']);
      if (k.project && k.projectId) problems.push(['auth.keystone.projectId', 'give either project or projectId, not both']);
    }
  }
  const names = new Map<string, number>();
  target.queries.forEach((q, i) => {
    const at = `queries[${i}]`;
    if (!NAME.test(q.name)) problems.push([`${at}.name`, 'must be letters, digits and "_", not starting with a digit (the metric is gnocchi_<name>)']);
    else if (names.has(q.name)) problems.push([`${at}.name`, `is the same as queries[${names.get(q.name)}].name`]);
    else names.set(q.name, i);
    if (!/^\(.*\)$/s.test(q.operations.trim()) || !balanced(q.operations))
      problems.push([`${at}.operations`, 'must be a parenthesised Gnocchi operation such as (aggregate sum (metric vcpus mean))']);
    if (!q.resourceType) problems.push([`${at}.resourceType`, 'is required']);
    try {
      parseSearch(q.search);
    } catch (err) {
      problems.push([`${at}.search`, `is not a filter Gnocchi takes: ${(err as Error).message}`]);
    }
    const seen = new Set<string>();
    q.groupBy.forEach((g, j) => {
      if (typeof g !== 'string' || !LABEL.test(g) || g.startsWith('__'))
        problems.push([`${at}.groupBy[${j}]`, 'must be a resource attribute usable as a label name (letters, digits, "_")']);
      else if (g === 'target') problems.push([`${at}.groupBy[${j}]`, '"target" is the label of the exporter target']);
      else if (seen.has(g)) problems.push([`${at}.groupBy[${j}]`, `"${g}" is listed twice`]);
      seen.add(g);
    });
    if (q.neededOverlap > 100) problems.push([`${at}.neededOverlap`, 'is a percentage: 0 to 100']);
    const gran = granularitySeconds(q.granularity) * 1000;
    if (q.lookback < gran) problems.push([`${at}.lookback`, 'must be at least one granularity']);
  });
  for (const name of names.keys()) {
    if (name.endsWith('_timestamp_seconds') && names.has(name.slice(0, -'_timestamp_seconds'.length))) {
      problems.push([`queries[${names.get(name)}].name`, `clashes with the timestamp series of query "${name.slice(0, -'_timestamp_seconds'.length)}"`]);
    }
  }
  return problems;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const c of text) {
    if (c === '(') depth += 1;
    else if (c === ')' && --depth < 0) return false;
  }
  return depth === 0;
}
