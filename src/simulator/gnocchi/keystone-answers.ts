import { randomUUID } from 'node:crypto';
import type { SimResponse } from '../server.js';

const TITLES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' };
export const UNAUTHORIZED = 'The request you have made requires authentication.';

/** Keystone's error body, its keys in the sorted order Keystone writes them (`identity` only on some 401s). */
export function keystoneError(status: number, message: string, extra: Record<string, unknown> = {}): unknown {
  const error: Record<string, unknown> = { code: status, ...extra, message, title: TITLES[status] ?? 'Error' };
  return { error: Object.fromEntries(Object.entries(error).sort(([a], [b]) => (a < b ? -1 : 1))) };
}

/**
 * Every Keystone answer: compact JSON and a newline, `Vary: X-Auth-Token`, a
 * request id, and on a 401 where to authenticate.
 */
export function keystoneAnswer(status: number, body: unknown, keystoneUrl: string, headers: Record<string, string> = {}): SimResponse {
  const common: Record<string, string> = { vary: 'X-Auth-Token', 'x-openstack-request-id': `req-${randomUUID()}` };
  if (status === 401) common['www-authenticate'] = `Keystone uri="${keystoneUrl}/v3"`;
  return { status, raw: body === undefined ? '' : `${JSON.stringify(body)}\n`, headers: { ...common, ...headers } };
}

export function keystoneFailure(status: number, message: string, keystoneUrl: string, extra?: Record<string, unknown>): SimResponse {
  return keystoneAnswer(status, keystoneError(status, message, extra), keystoneUrl);
}

/** Keystone's jsonschema message for a missing required key (shortened: the real one goes on to print the whole schema). */
export function requiredProperty(key: string, at: string): string {
  return `'${key}' is a required property\n\nFailed validating 'required' in schema${at}:\n    {'required': ['${key}'], 'type': 'object'}`;
}

/** Fernet tokens hold whole seconds: 2026-12-02T10:01:07.000000Z. */
export function keystoneTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, '.000000Z');
}

/** The default role chain Keystone bootstraps: admin implies member, which implies reader. */
const IMPLIED: Record<string, string[]> = { admin: ['member'], member: ['reader'] };

/** Assigned roles and every role they imply, as a token lists them. */
export function withImpliedRoles(roles: readonly string[]): string[] {
  const out: string[] = [];
  const add = (role: string): void => {
    if (out.includes(role)) return;
    out.push(role);
    for (const implied of IMPLIED[role] ?? []) add(implied);
  };
  roles.forEach(add);
  return out;
}

/** A stable, Keystone-shaped id for a role name. */
export function roleId(name: string): string {
  let hex = '';
  for (let round = 0; hex.length < 32; round++) {
    let h = 2166136261 ^ round;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
    hex += (h >>> 0).toString(16).padStart(8, '0');
  }
  return hex;
}
