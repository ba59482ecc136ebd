import { gauge, type MetricFamily } from '../../core/family.js';

const HOLDING = 'of a holder (user) in a source (project) for a resource';
const PROJECT = 'of a whole project for a resource, all members together';
const holding = ['holder', 'source', 'resource'] as const;
const project = ['project', 'resource'] as const;

export const quotaLimit = gauge('astakos_quota_limit', `Astakos quota limit ${HOLDING}; +Inf when unlimited.`, holding);
export const quotaUsage = gauge('astakos_quota_usage', `Astakos quota usage ${HOLDING}, pending commissions included.`, holding);
export const quotaPending = gauge('astakos_quota_pending', `Part of astakos_quota_usage ${HOLDING} held by pending commissions.`, holding);
export const quotaEffectiveLimit = gauge(
  'astakos_quota_effective_limit',
  `What astakos_quota_usage ${HOLDING} can reach: min(limit, project_limit - (project_usage - usage)), as every allocation must fit both the member's limit and the project's; +Inf when both are unlimited. Only where Astakos gives the project's figures (not the draft API).`,
  holding,
);
export const projectQuotaLimit = gauge('astakos_project_quota_limit', `Astakos quota limit ${PROJECT}; +Inf when unlimited.`, project);
export const projectQuotaUsage = gauge('astakos_project_quota_usage', `Astakos quota usage ${PROJECT}, pending commissions included.`, project);
export const projectQuotaPending = gauge(
  'astakos_project_quota_pending',
  `Part of astakos_project_quota_usage ${PROJECT} held by pending commissions.`,
  project,
);
export const resourceInfo = gauge(
  'astakos_resource_info',
  'Always 1: a resource Astakos accounts for, its component, unit ("" when a count) and description.',
  ['resource', 'component', 'unit', 'description'],
);
export const pendingCommissions = gauge(
  'astakos_pending_commissions',
  "Commissions issued by the configured service tokens' components and neither accepted nor rejected yet.",
);

export const families: readonly MetricFamily[] = [
  quotaLimit,
  quotaUsage,
  quotaPending,
  quotaEffectiveLimit,
  projectQuotaLimit,
  projectQuotaUsage,
  projectQuotaPending,
  resourceInfo,
  pendingCommissions,
];
