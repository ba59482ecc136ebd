import { gauge, type LabelSet, type MetricFamily } from '../../core/family.js';

const group = ['organisation_id', 'group_id'] as const;
const used = ['organisation_id', 'organisation', 'group_id', 'group', 'region'] as const;

export const organisationInfo = gauge(
  'intercloud_organisation_info',
  'Always 1: an organisation of the reseller tree, its parent and whether it resells.',
  ['organisation_id', 'organisation', 'parent_id', 'reseller'],
);
export const groupInfo = gauge('intercloud_group_info', 'Always 1: a group of an organisation and its IRN.', ['organisation_id', 'group_id', 'group', 'group_irn']);
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
export const groupConnectors = gauge('intercloud_group_connectors', 'Connectors of a group, as of the last discovery.', group);
export const groupLinks = gauge('intercloud_group_links', 'Links of a group, as of the last discovery.', group);

export type UsedLabels = LabelSet<(typeof used)[number]>;

export const families: readonly MetricFamily[] = [organisationInfo, groupInfo, usedCapacity, usedCapacityTimestamp, groupConnectors, groupLinks];
