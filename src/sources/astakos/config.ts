import { objectArray, secretField, type ConfigSchema } from '../../config/fields.js';
import type { TargetConfig } from '../../core/source.js';

export interface AstakosTarget extends TargetConfig {
  auth: {
    /** A user token: reads `/quotas` of its own user. */
    token: string;
    /** Service (component) tokens: each reads `/service_quotas` and `/commissions` of its component. */
    serviceTokens: Array<{ token: string }>;
  };
  /** Holder label of the user token's quotas when the server has no identity service to name the user. */
  holder: string;
  /** Restricts `/service_quotas` to these user uuids; empty means every user. */
  users: string[];
  /**
   * Projects whose own figures are read from `/service_project_quotas`, members
   * visible or not; empty means every project, or none when `users` is given
   * (the listed users' projects still come with their answers).
   */
  projects: string[];
  /** Synnefo's identity API (`.../identity/v2.0`); "" derives it from a `.../account/v1.0` baseUrl. */
  identityUrl: string;
  /** How long the `/resources` list is reused. */
  discoveryInterval: number;
}

export const schema: ConfigSchema = {
  auth: {
    ...secretField('token', "User token (X-Auth-Token): exposes that user's own quotas from /quotas"),
    serviceTokens: objectArray(
      secretField('token', 'Service token of one Synnefo component (cyclades, pithos, ...)'),
      "Service tokens: each exposes its component's quotas of every user (/service_quotas) and its pending commissions",
    ),
  },
  holder: {
    doc: "holder label of the user token's quotas when the user cannot be looked up at /identity/v2.0/tokens",
    format: String,
    default: 'self',
  },
  users: { doc: 'User uuids to restrict /service_quotas to; empty means every user', format: Array, default: [] },
  projects: {
    doc: 'Project uuids whose project-wide figures are read from /service_project_quotas, members visible or not; empty means every project, or none when users is given',
    format: Array,
    default: [],
  },
  identityUrl: {
    doc: 'Synnefo identity API (https://accounts.example/identity/v2.0); "" derives it from a .../account/v1.0 baseUrl',
    format: 'optional-url',
    default: '',
  },
  discoveryInterval: { doc: 'How long the /resources list (units, descriptions) is reused', format: 'duration', default: '1h' },
};

export function check(target: AstakosTarget): Array<[string, string]> {
  const problems: Array<[string, string]> = [];
  const { token, serviceTokens } = target.auth;
  if (!token && serviceTokens.length === 0) {
    problems.push(['auth', 'give a user token (token or tokenFile), service tokens (serviceTokens), or both']);
  }
  const seen = new Map<string, number>();
  serviceTokens.forEach((s, i) => {
    if (!s.token) problems.push([`auth.serviceTokens[${i}].token`, 'is required (token or tokenFile)']);
    else if (seen.has(s.token)) problems.push([`auth.serviceTokens[${i}].token`, `is the same token as serviceTokens[${seen.get(s.token)}]`]);
    else seen.set(s.token, i);
  });
  for (const key of ['users', 'projects'] as const) {
    target[key].forEach((id, i) => {
      if (typeof id !== 'string' || !/^[^\s,]+$/.test(id)) problems.push([`${key}[${i}]`, `must be a ${key === 'users' ? 'user' : 'project'} uuid`]);
    });
    if (target[key].length && serviceTokens.length === 0) problems.push([key, 'only applies to serviceTokens, and none is configured']);
  }
  return problems;
}
