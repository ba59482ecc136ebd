import { gauge, stateGauge, type MetricFamily } from '../../core/family.js';
import type { IxapiTarget } from './config.js';
import { STATES } from './model.js';

const INFO_LABELS = ['network_service_id', 'service_type', 'product_offering', 'managing_account', 'consuming_account'] as const;
const INFO_HELP = 'Always 1; names an IX-API network service: its type, product offering and managing and consuming accounts';

export const networkServiceInfo = gauge('ixapi_network_service_info', `${INFO_HELP}.`, INFO_LABELS);
/** The same series with the service's external reference, for targets whose `labels.externalRef` asks for it. */
export const networkServiceInfoWithExternalRef = gauge('ixapi_network_service_info', `${INFO_HELP}, and its external reference.`, [
  ...INFO_LABELS,
  'external_ref',
]);
export const networkServiceState = stateGauge(
  'ixapi_network_service_state',
  'State of an IX-API network service: 1 for the current state, 0 for the other known states.',
  ['network_service_id'],
  STATES,
);
export const networkServiceCapacity = gauge(
  'ixapi_network_service_capacity_bytes_per_second',
  'Capacity of an IX-API network service in bytes per second (upstream Mbit/s); absent when the service has no capacity of its own (null).',
  ['network_service_id'],
);
export const networkServiceStatusMessages = gauge(
  'ixapi_network_service_status_messages',
  'Status messages an IX-API network service carries, by syslog severity.',
  ['network_service_id', 'severity'],
);
export const networkServiceDecommission = gauge(
  'ixapi_network_service_decommission_timestamp_seconds',
  'Unix time at which an IX-API network service is or was to be decommissioned; absent when none is planned.',
  ['network_service_id'],
);
export const networkServiceConfigState = stateGauge(
  'ixapi_network_service_config_state',
  'State of an IX-API network service config (one handover of a service on a connection): 1 for the current state, 0 for the other known states.',
  ['network_service_config_id', 'network_service_id', 'connection_id', 'handover'],
  STATES,
);
export const networkServiceConfigStatusMessages = gauge(
  'ixapi_network_service_config_status_messages',
  'Status messages an IX-API network service config carries, by syslog severity.',
  ['network_service_config_id', 'network_service_id', 'severity'],
);
export const networkServiceConfigDecommission = gauge(
  'ixapi_network_service_config_decommission_timestamp_seconds',
  'Unix time at which an IX-API network service config is or was to be decommissioned; absent when none is planned.',
  ['network_service_config_id', 'network_service_id'],
);
export const connectionInfo = gauge('ixapi_connection_info', 'Always 1; names an IX-API connection: its name, point of presence and mode.', [
  'connection_id',
  'name',
  'pop',
  'mode',
]);
export const connectionState = stateGauge(
  'ixapi_connection_state',
  'State of an IX-API connection: 1 for the current state, 0 for the other known states.',
  ['connection_id'],
  STATES,
);
export const connectionStatusMessages = gauge('ixapi_connection_status_messages', 'Status messages an IX-API connection carries, by syslog severity.', [
  'connection_id',
  'severity',
]);
export const connectionDecommission = gauge(
  'ixapi_connection_decommission_timestamp_seconds',
  'Unix time at which an IX-API connection is or was to be decommissioned; absent when none is planned.',
  ['connection_id'],
);
export const connectionSpeed = gauge(
  'ixapi_connection_speed_bytes_per_second',
  'Port speed of an IX-API connection in bytes per second (upstream Mbit/s); absent when the upstream gives none.',
  ['connection_id'],
);
export const connectionCapacityAllocated = gauge(
  'ixapi_connection_capacity_allocated_bytes_per_second',
  'Capacity allocated to services on an IX-API connection, in bytes per second (upstream Mbit/s).',
  ['connection_id'],
);
export const connectionCapacityAllocationLimit = gauge(
  'ixapi_connection_capacity_allocation_limit_bytes_per_second',
  'Most capacity that may be allocated on an IX-API connection, in bytes per second (upstream Mbit/s); absent when there is no limit (null).',
  ['connection_id'],
);

/** Every family of the target: the info family with external_ref only where `labels.externalRef` asks for it. */
export function families(target: IxapiTarget): readonly MetricFamily[] {
  return [
    target.labels.externalRef ? networkServiceInfoWithExternalRef : networkServiceInfo,
    networkServiceState,
    networkServiceCapacity,
    networkServiceStatusMessages,
    networkServiceDecommission,
    networkServiceConfigState,
    networkServiceConfigStatusMessages,
    networkServiceConfigDecommission,
    connectionInfo,
    connectionState,
    connectionStatusMessages,
    connectionDecommission,
    connectionSpeed,
    connectionCapacityAllocated,
    connectionCapacityAllocationLimit,
  ];
}
