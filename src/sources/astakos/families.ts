import type { MetricFamily } from '../../core/series.js';

const HOLDING = 'of a holder (user) in a source (project) for a resource';
const PROJECT = 'of a whole project for a resource, all members together';

export const families: MetricFamily[] = [
  { name: 'astakos_quota_limit', help: `Astakos quota limit ${HOLDING}; +Inf when unlimited.`, type: 'gauge' },
  { name: 'astakos_quota_usage', help: `Astakos quota usage ${HOLDING}, pending commissions included.`, type: 'gauge' },
  { name: 'astakos_quota_pending', help: `Part of astakos_quota_usage ${HOLDING} held by pending commissions.`, type: 'gauge' },
  { name: 'astakos_project_quota_limit', help: `Astakos quota limit ${PROJECT}; +Inf when unlimited.`, type: 'gauge' },
  { name: 'astakos_project_quota_usage', help: `Astakos quota usage ${PROJECT}, pending commissions included.`, type: 'gauge' },
  { name: 'astakos_project_quota_pending', help: `Part of astakos_project_quota_usage ${PROJECT} held by pending commissions.`, type: 'gauge' },
  { name: 'astakos_resource_info', help: 'Always 1: a resource Astakos accounts for, its component, unit ("" when a count) and description.', type: 'gauge' },
  { name: 'astakos_pending_commissions', help: 'Commissions issued by the configured service tokens\' components and neither accepted nor rejected yet.', type: 'gauge' },
];
