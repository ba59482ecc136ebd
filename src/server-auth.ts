import { createHash, timingSafeEqual } from 'node:crypto';
import type { ServerConfig } from './config/load.js';
import type { WebConfig } from './web/index.js';

/**
 * `server.auth`: a bearer token or a basic-auth user and password, checked in
 * constant time; replaced at once by a config reload.
 */
export class ServerAuth {
  private expected: Buffer[] = [];
  private schemes: string[] = [];

  constructor(auth: ServerConfig['auth']) {
    this.set(auth);
  }

  set(auth: ServerConfig['auth']): void {
    const expected: Buffer[] = [];
    const schemes: string[] = [];
    if (auth.bearerToken) {
      expected.push(digest(`Bearer ${auth.bearerToken}`));
      schemes.push('Bearer realm="capacity-exporter"');
    }
    if (auth.basic.username) {
      expected.push(digest(`Basic ${Buffer.from(`${auth.basic.username}:${auth.basic.password}`).toString('base64')}`));
      schemes.push('Basic realm="capacity-exporter"');
    }
    this.expected = expected;
    this.schemes = schemes;
  }

  get enabled(): boolean {
    return this.expected.length > 0;
  }

  /** The WWW-Authenticate challenge of a refusal. */
  get challenge(): string {
    return this.schemes.join(', ');
  }

  allows(header: string | undefined): boolean {
    if (!header) return false;
    const got = digest(header.replace(/^(bearer|basic) +/i, (m) => m[0]!.toUpperCase() + m.slice(1).trim().toLowerCase() + ' '));
    return this.expected.some((e) => timingSafeEqual(e, got));
  }
}

/** Equal-length digests make the comparison constant-time whatever the header's length. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Whether server.auth sets a bearer token or a basic-auth user. */
function configured(auth: ServerConfig['auth']): boolean {
  return Boolean(auth.bearerToken || auth.basic.username);
}

/** Basic auth comes from one place: the web config's bcrypt users or the config's server.auth. */
export function usersInOnePlace(auth: ServerConfig['auth'], webUsers: number): string[] {
  return webUsers > 0 && configured(auth) ? ['server.auth: the --web.config.file already sets basic_auth_users; give the users in one place only'] : [];
}

/** Whether the exporter's endpoint asks for a password: server.auth, or the web config's users. */
export function asksPassword(auth: ServerConfig['auth'], web: WebConfig | undefined): boolean {
  return configured(auth) || Boolean(web?.users.size);
}
