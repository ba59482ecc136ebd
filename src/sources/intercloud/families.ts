import { gauge, type LabelSet, type MetricFamily } from '../../core/family.js';

const group = ['organisation_id', 'group_id'] as const;
const used = ['organisation_id', 'organisation', 'group_id', 'group', 'region'] as const;

export const organisationInfo = gauge('intercloud_organisation_info', 'Always 1: an organisation of the reseller tree, its parent and whether it resells.', [
  'organisation_id',
  'organisation',
  'parent_id',
  'reseller',
]);
export const organisationCapacity = gauge(
  'intercloud_organisation_capacity_bytes_per_second',
  "Capacity of an organisation in a region, in bytes per second, as of the last discovery: the portal's capacities, read in the target's capacityUnit (kbit/s unless configured). No series for a region without one.",
  ['organisation_id', 'region'],
);
export const groupInfo = gauge('intercloud_group_info', 'Always 1: a group of an organisation and its IRN.', [
  'organisation_id',
  'group_id',
  'group',
  'group_irn',
]);
export const usedCapacity = gauge(
  'intercloud_group_used_capacity_bytes_per_second',
  'Used capacity of a group in a region, in bytes per second: the newest non-null 5-minute point of the query window.',
  used,
);
export const usedCapacityTimestamp = gauge(
  'intercloud_group_used_capacity_timestamp_seconds',
  'Unix time of the data point behind intercloud_group_used_capacity_bytes_per_second.',
  used,
);
export const allocatedCapacity = gauge(
  'intercloud_group_allocated_capacity_bytes_per_second',
  "Capacity allocated to a group, all regions together, in bytes per second, as of the last discovery: the portal's allocatedCapacity, read in the target's capacityUnit (kbit/s unless configured). No series when the portal gives none.",
  group,
);
export const groupConnectors = gauge('intercloud_group_connectors', 'Connectors of a group, as of the last discovery.', group);
export const groupLinks = gauge('intercloud_group_links', 'Links of a group, as of the last discovery.', group);
export const groupFlowConnectors = gauge(
  'intercloud_group_flow_connectors',
  "Flow connectors of a group (the portal's countFlowConnectors), as of the last discovery.",
  group,
);
export const groupFlowLinks = gauge('intercloud_group_flow_links', "Flow links of a group (the portal's countFlowLinks), as of the last discovery.", group);

export type UsedLabels = LabelSet<(typeof used)[number]>;

export const families: readonly MetricFamily[] = [
  organisationInfo,
  organisationCapacity,
  groupInfo,
  usedCapacity,
  usedCapacityTimestamp,
  allocatedCapacity,
  groupConnectors,
  groupLinks,
  groupFlowConnectors,
  groupFlowLinks,
];
