import { asArray, asNumber, asObject, asString, optional, ShapeError, type JsonObject } from '../../core/shape.js';

/** The lifecycle states the IX-API v2 schema names for services, configs and connections. */
export const STATES = [
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

/** syslog severities (RFC 5424), the scale of `status[].severity`. */
export const SEVERITIES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'informational', 'debug'] as const;

export interface NetworkService {
  id: string;
  type: string;
  state: string;
  productOffering: string;
  managingAccount: string;
  consumingAccount: string;
  /** Read only for a target that exports it (`labels.externalRef`): a sensitive property otherwise left alone. */
  externalRef?: string;
  /** Mbit/s; undefined when the upstream sends null (the offering's maximum). */
  capacityMbps?: number;
  /** One entry per status message: its syslog severity. */
  statusSeverities: number[];
  /** Unix time in ms. */
  decommissionAt?: number;
}

export interface NetworkServiceConfig {
  id: string;
  type: string;
  state: string;
  networkService: string;
  connection: string;
  /** Absent for config types without handovers. */
  handover?: number;
  statusSeverities: number[];
  decommissionAt?: number;
}

export interface Connection {
  id: string;
  name: string;
  state: string;
  mode: string;
  pop: string;
  speedMbps?: number;
  capacityAllocatedMbps?: number;
  /** undefined when the upstream sends null: no limit. */
  capacityAllocationLimitMbps?: number;
  statusSeverities: number[];
  decommissionAt?: number;
}

const str = (v: unknown, p: string) => asString(v, p);
const num = (v: unknown, p: string) => asNumber(v, p);
/** A label-bearing field that the schema allows to be null: "" then. */
const text = (o: JsonObject, key: string, path: string) => optional(o[key], str, `${path}.${key}`) ?? '';

/**
 * `cloud_key` and the other request-only fields are deliberately not read:
 * nothing that is not listed here can reach a series.
 */
export function parseNetworkService(value: unknown, path: string, withExternalRef: boolean): NetworkService {
  const o = asObject(value, path);
  return {
    id: str(o.id, `${path}.id`),
    type: str(o.type, `${path}.type`),
    state: str(o.state, `${path}.state`),
    productOffering: text(o, 'product_offering', path),
    managingAccount: text(o, 'managing_account', path),
    consumingAccount: text(o, 'consuming_account', path),
    externalRef: withExternalRef ? text(o, 'external_ref', path) : undefined,
    capacityMbps: optional(o.capacity, num, `${path}.capacity`),
    statusSeverities: severities(o, path),
    decommissionAt: parseDate(o.decommission_at, `${path}.decommission_at`),
  };
}

export function parseNetworkServiceConfig(value: unknown, path: string): NetworkServiceConfig {
  const o = asObject(value, path);
  return {
    id: str(o.id, `${path}.id`),
    type: text(o, 'type', path),
    state: str(o.state, `${path}.state`),
    networkService: str(o.network_service, `${path}.network_service`),
    connection: text(o, 'connection', path),
    handover: optional(o.handover, num, `${path}.handover`),
    statusSeverities: severities(o, path),
    decommissionAt: parseDate(o.decommission_at, `${path}.decommission_at`),
  };
}

export function parseConnection(value: unknown, path: string): Connection {
  const o = asObject(value, path);
  return {
    id: str(o.id, `${path}.id`),
    name: text(o, 'name', path),
    state: str(o.state, `${path}.state`),
    mode: text(o, 'mode', path),
    pop: text(o, 'pop', path),
    speedMbps: optional(o.speed, num, `${path}.speed`),
    capacityAllocatedMbps: optional(o.capacity_allocated, num, `${path}.capacity_allocated`),
    capacityAllocationLimitMbps: optional(o.capacity_allocation_limit, num, `${path}.capacity_allocation_limit`),
    statusSeverities: severities(o, path),
    decommissionAt: parseDate(o.decommission_at, `${path}.decommission_at`),
  };
}

/** The syslog severity of each of the object's `status[]` messages (services, configs and connections carry them). */
function severities(o: JsonObject, path: string): number[] {
  const status = optional(o.status, (v, p) => asArray(v, p), `${path}.status`) ?? [];
  return status.map((s, i) => num(asObject(s, `${path}.status[${i}]`).severity, `${path}.status[${i}].severity`));
}

/** A date or date-time; the upstream sends "" for "not set" (as in the cloud service document). */
function parseDate(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const s = asString(value, path);
  // A date-time without an offset would otherwise be read in the exporter's local time zone.
  const ms = Date.parse(/T[\d:.]+$/.test(s) ? `${s}Z` : s);
  if (Number.isNaN(ms)) throw new ShapeError(path, 'a date', value);
  return ms;
}
