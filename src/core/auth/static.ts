import { registerSecret } from '../../log.js';
import type { AuthProvider, Headers } from './provider.js';

/** A fixed token sent in one header: `Authorization: Bearer <t>`, `X-Auth-Token: <t>` and the like. */
export class StaticTokenProvider implements AuthProvider {
  private readonly value: Headers;

  constructor(token: string, header = 'authorization', prefix = 'Bearer ') {
    registerSecret(token);
    this.value = { [header.toLowerCase()]: `${prefix}${token}` };
  }

  headers(): Headers {
    return this.value;
  }

  invalidate(): void {}
}

/** A target without authentication. */
export class NoAuth implements AuthProvider {
  headers(): Headers {
    return {};
  }

  invalidate(): void {}
}
