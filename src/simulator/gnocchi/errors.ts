import type { SimResponse } from '../server.js';
import { pyJson, pyRepr } from './pyjson.js';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** webob's explanation of each status, the first paragraph of its plain-text and HTML error pages. */
const EXPLANATIONS: Record<number, string> = {
  400: 'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  403: 'Access was denied to this resource.',
  404: 'The resource could not be found.',
  405: 'The method is not allowed for this resource.',
  406: 'The server could not generate a response acceptable by your client.',
  500: 'The server has either erred or is incapable of performing the requested operation.',
};

/** Gnocchi's JSON error envelope, in the order the real server writes its keys. */
function gnocchiError(status: number, description: unknown): unknown {
  return { code: status, title: TITLES[status] ?? 'Error', description };
}

/** An answer Gnocchi gives instead of the aggregates: its status and `description` (a string or `{cause, reason, detail}`). */
export class GnocchiHttpError extends Error {
  constructor(
    readonly status: number,
    readonly description: unknown,
  ) {
    super(typeof description === 'string' ? description : JSON.stringify(description));
  }
}

/**
 * Gnocchi 4.4 fails with an exception on some bodies (no `search`, a search
 * of the wrong type, a JSON filter with an unknown operator): uWSGI then
 * closes the connection without writing a byte.
 */
export class GnocchiCrash extends Error {}

/**
 * The error as webob renders it for the request's Accept header: JSON only
 * when the client accepts application/json; a plain-text page with the
 * description's Python repr without Accept; HTML for `*\/*` and text/html.
 */
export function errorAnswer(accept: string | undefined, status: number, description: unknown): SimResponse {
  const title = `${String(status)} ${TITLES[status] ?? 'Error'}`;
  const explanation = EXPLANATIONS[status] ?? '';
  if (accept === undefined || accept === '') {
    return { status, raw: `${title}\n\n${explanation}\n\n ${pyRepr(description)}  `, headers: { 'content-type': 'text/plain; charset=UTF-8' } };
  }
  if (accept.includes('application/json')) return { status, raw: pyJson(gnocchiError(status, description)) };
  const detail = typeof description === 'string' ? description : pyRepr(description);
  return {
    status,
    raw: `<html>\n <head>\n  <title>${title}</title>\n </head>\n <body>\n  <h1>${title}</h1>\n  ${explanation}<br /><br />\n${escapeHtml(detail)}\n\n\n </body>\n</html>`,
    headers: { 'content-type': 'text/html; charset=UTF-8' },
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** pecan answers 406 when the client accepts HTML but not JSON, whatever the request. */
export function refusesJson(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes('text/html') && !accept.includes('application/json') && !accept.includes('*/*');
}

/**
 * The body of the answers SimServer writes itself: a path it has no route
 * for (Gnocchi's description is null there), a body that is not JSON, and
 * injected faults.
 */
export function serverErrorBody(status: number, message: string): unknown {
  if (status === 404 && message === 'not found') return gnocchiError(404, null);
  if (status === 400 && message === 'malformed request body') {
    return gnocchiError(400, { cause: 'Unable to decode body', reason: 'Unexpected character found when decoding JSON', detail: [] });
  }
  return gnocchiError(status, message);
}
