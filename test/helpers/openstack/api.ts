import { Agent, request } from 'undici';

/**
 * No keep-alive: uWSGI's http-socket (how Debian serves Keystone and Gnocchi)
 * closes every connection after one answer, so a pooled socket would be dead.
 */
const dispatcher = new Agent({ pipelining: 0 });

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Status codes that count as success (default: any 2xx). */
  expect?: number[];
  timeoutMs?: number;
}

/** One JSON request to Keystone or Gnocchi (`Accept: application/json`, so that errors are JSON too). */
export async function api(url: string, req: ApiRequest = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  if (req.token) headers['x-auth-token'] = req.token;
  let body: string | undefined;
  if (req.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(req.body);
  }
  const timeout = req.timeoutMs ?? 30_000;
  const res = await request(url, { method: req.method ?? (body ? 'POST' : 'GET'), headers, body, headersTimeout: timeout, bodyTimeout: timeout, dispatcher });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  const out = { status: res.statusCode, headers: res.headers, text, json };
  const ok = req.expect ? req.expect.includes(res.statusCode) : res.statusCode >= 200 && res.statusCode < 300;
  if (!ok) throw new Error(`${req.method ?? (body ? 'POST' : 'GET')} ${url}: HTTP ${String(res.statusCode)} ${text.slice(0, 2000)}`);
  return out;
}

/** `obj.a.b` of a parsed JSON body, checked to be a string. */
export function str(value: unknown, ...path: string[]): string {
  let v = value;
  for (const key of path) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  if (typeof v !== 'string') throw new Error(`expected a string at ${path.join('.')} in ${JSON.stringify(value).slice(0, 500)}`);
  return v;
}

function header(res: ApiResponse, name: string): string {
  const v = res.headers[name.toLowerCase()];
  const s = Array.isArray(v) ? v[0] : v;
  if (!s) throw new Error(`no ${name} header (HTTP ${String(res.status)})`);
  return s;
}

export interface PasswordIdentity {
  username: string;
  password: string;
  /** Project name (domain Default). */
  project: string;
}

export interface AppCredentialIdentity {
  id: string;
  secret: string;
}

export function passwordAuth(p: PasswordIdentity): unknown {
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { name: p.username, domain: { id: 'default' }, password: p.password } } },
      scope: { project: { name: p.project, domain: { id: 'default' } } },
    },
  };
}

export function appCredentialAuth(c: AppCredentialIdentity): unknown {
  return { auth: { identity: { methods: ['application_credential'], application_credential: { id: c.id, secret: c.secret } } } };
}

/** A token (X-Subject-Token) and the body of `POST /v3/auth/tokens`. */
export async function issueToken(keystoneUrl: string, auth: unknown): Promise<{ token: string; body: unknown }> {
  const res = await api(`${keystoneUrl}/auth/tokens`, { body: auth, expect: [201] });
  return { token: header(res, 'x-subject-token'), body: res.json };
}
