import type { SimRequest, SimResponse } from '../server.js';

/** The portal's error body. */
export function error(status: number, message: string): SimResponse {
  return { status, body: { code: status, message } };
}

/** The InterCloud-Scope header: the organisation a request acts on, when it is not the caller's own. */
export function scopeOf(req: SimRequest): string | undefined {
  const h = req.headers['intercloud-scope'];
  return Array.isArray(h) ? h[0] : h;
}
