import type { MetricFamily } from '../../core/series.js';

const gauge = (name: string, help: string): MetricFamily => ({ name, help, type: 'gauge' });

export const FAMILIES: MetricFamily[] = [
  gauge('ixapi_network_service_info', 'Always 1; names an IX-API network service: its type, product offering, managing and consuming accounts and external reference.'),
  gauge('ixapi_network_service_state', 'State of an IX-API network service: 1 for the current state, 0 for the other known states.'),
  gauge('ixapi_network_service_capacity_bytes_per_second', 'Capacity of an IX-API network service in bytes per second (upstream Mbit/s); absent when the service has no capacity of its own (null).'),
  gauge('ixapi_network_service_status_messages', 'Status messages an IX-API network service carries, by syslog severity.'),
  gauge('ixapi_network_service_decommission_timestamp_seconds', 'Unix time at which an IX-API network service is or was to be decommissioned; absent when none is planned.'),
  gauge('ixapi_network_service_config_state', 'State of an IX-API network service config (one handover of a service on a connection): 1 for the current state, 0 for the other known states.'),
  gauge('ixapi_connection_info', 'Always 1; names an IX-API connection: its name, point of presence and mode.'),
  gauge('ixapi_connection_state', 'State of an IX-API connection: 1 for the current state, 0 for the other known states.'),
  gauge('ixapi_connection_speed_bytes_per_second', 'Port speed of an IX-API connection in bytes per second (upstream Mbit/s).'),
  gauge('ixapi_connection_capacity_allocated_bytes_per_second', 'Capacity allocated to services on an IX-API connection, in bytes per second (upstream Mbit/s).'),
  gauge('ixapi_connection_capacity_allocation_limit_bytes_per_second', 'Most capacity that may be allocated on an IX-API connection, in bytes per second (upstream Mbit/s); absent when there is no limit (null).'),
];
