import type { SimResponse } from '../server.js';

const FAULTS: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  409: 'conflict',
  413: 'overLimit',
  429: 'overLimit',
  500: 'internalServerError',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

/** Synnefo's fault body (snf-django-lib `snf_django/lib/api/__init__.py`): `{"<fault>": {"code", "message", "details"}}`. */
export function astakosError(status: number, message: string): Record<string, unknown> {
  const fault = FAULTS[status] ?? (status >= 500 ? 'internalServerError' : 'badRequest');
  return { [fault]: { code: status, message, details: '' } };
}

export function fault(status: number, message: string): SimResponse {
  return { status, body: astakosError(status, message) };
}

/** JSON with BigInt values written as exact integer literals, as Astakos writes 2^63-1. */
export function exactJson(value: unknown): SimResponse {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `\u0000${v}` : v));
  return { raw: text.replace(/"\\u0000(-?\d+)"/g, '$1') };
}
