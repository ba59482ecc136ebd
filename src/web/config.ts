import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parseDocument } from 'yaml';
import { registerSecret } from '../log.js';
import { parseBcryptHash } from './bcrypt-hash.js';
import { WebConfigError } from './errors.js';
import { parseGoDuration } from './go-duration.js';
import { readHeaders } from './headers.js';
import { Secret } from './secret.js';
import { readTlsMaterial } from './tls-material.js';
import {
  CIPHER_SUITES,
  CLIENT_AUTH_ALIASES,
  CLIENT_AUTH_TYPES,
  CURVES,
  isClientAuthType,
  TLS_VERSIONS,
  tlsVersionRank,
  type ClientAuthType,
  type TlsVersionName,
} from './tls-names.js';
import { child, Reader } from './yaml-reader.js';

/** PEM text from a file (re-read on rotation) or given inline in the YAML; `path` is its key, for messages. */
export interface PemSource {
  path: string;
  file?: string;
  inline?: Secret;
}

export interface WebTlsConfig {
  cert: PemSource;
  key: PemSource;
  clientCa?: PemSource;
  clientAuthType: ClientAuthType;
  minVersion: TlsVersionName;
  maxVersion: TlsVersionName;
  /** Go names, as written; tls-names.ts maps them. */
  cipherSuites?: string[];
  curvePreferences?: string[];
  preferServerCipherSuites: boolean;
  clientAllowedSans?: string[];
}

export interface WebConfig {
  /** The file it was read from, if any; relative paths in it were resolved against its directory. */
  file?: string;
  /** Absent: plain HTTP, as exporter-toolkit serves when no TLS key is set. */
  tls?: WebTlsConfig;
  /** As written; undefined when absent (exporter-toolkit's default is true). */
  http2?: boolean;
  headers: Record<string, string>;
  rateLimit?: { intervalMs: number; burst: number };
  /** User name to canonical bcrypt hash; empty means no basic auth. */
  users: Map<string, Secret>;
}

const TOP_KEYS = ['tls_server_config', 'http_server_config', 'rate_limit', 'basic_auth_users'] as const;
const TLS_KEYS = [
  'cert',
  'key',
  'client_ca',
  'cert_file',
  'key_file',
  'client_auth_type',
  'client_ca_file',
  'cipher_suites',
  'curve_preferences',
  'min_version',
  'max_version',
  'prefer_server_cipher_suites',
  'client_allowed_sans',
] as const;
/** Keys that only mean something once TLS is on (exporter-toolkit's TLSConfig.IsEnabled decides that). */
const TLS_ENABLING = ['cert', 'key', 'client_ca', 'cert_file', 'key_file', 'client_ca_file', 'client_auth_type'];
const VERIFYING: readonly ClientAuthType[] = ['VerifyClientCertIfGiven', 'RequireAndVerifyClientCert'];
const REQUIRING: readonly ClientAuthType[] = ['RequireAnyClientCert', 'RequireAndVerifyClientCert'];

/**
 * Reads an exporter-toolkit web config file (--web.config.file). Throws
 * WebConfigError listing every problem, including certificate, key or CA
 * files that cannot be read or do not match, so a mistake stops the start
 * instead of the first scrape.
 */
export function loadWebConfig(file: string): WebConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new WebConfigError([`cannot read the web config file: ${e.code ?? e.message}`], file);
  }
  return parseWebConfig(text, { baseDir: dirname(file), file });
}

/** Relative file names resolve against baseDir, the web config file's directory, as exporter-toolkit resolves them. */
export function parseWebConfig(text: string, opts: { baseDir: string; file?: string }): WebConfig {
  const r = new Reader();
  // Without prettyErrors a message quotes no excerpt of the file, which may show a hash or a key; the position is added back.
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  for (const e of doc.errors) {
    const before = text.slice(0, e.pos[0]);
    const line = before.split('\n').length;
    const col = before.length - before.lastIndexOf('\n');
    r.problem('', `YAML: ${e.message.split('\n')[0]} at line ${line}, column ${col}`);
  }
  if (r.problems.length) throw new WebConfigError(r.problems, opts.file);

  let tree: unknown;
  try {
    tree = doc.toJS({ mapAsMap: true });
  } catch (err) {
    // The yaml package refuses alias bombs here.
    throw new WebConfigError([`YAML: ${(err as Error).message.split('\n')[0]}`], opts.file);
  }
  const root = r.mapping(tree, '', TOP_KEYS);
  const config: WebConfig = { file: opts.file, headers: {}, users: new Map() };
  config.tls = readTls(root.get('tls_server_config'), 'tls_server_config', r, opts.baseDir);

  const http = r.mapping(root.get('http_server_config'), 'http_server_config', ['http2', 'headers']);
  config.http2 = r.boolean(http.get('http2'), 'http_server_config.http2');
  config.headers = readHeaders(http.get('headers'), 'http_server_config.headers', r);

  config.rateLimit = readRateLimit(root.get('rate_limit'), 'rate_limit', r);
  config.users = readUsers(root.get('basic_auth_users'), 'basic_auth_users', r);

  // Files are read once the TLS section names them properly; their problems join the others.
  if (config.tls) {
    try {
      readTlsMaterial(config.tls);
    } catch (err) {
      if (!(err instanceof WebConfigError)) throw err;
      r.problems.push(...err.problems);
    }
  }
  if (r.problems.length) throw new WebConfigError(r.problems, opts.file);
  return config;
}

function readTls(node: unknown, path: string, r: Reader, baseDir: string): WebTlsConfig | undefined {
  const m = r.mapping(node, path, TLS_KEYS);
  const at = (k: string) => child(path, k);
  const str = (k: string) => r.string(m.get(k), at(k)) || undefined;
  const enabled = TLS_ENABLING.some((k) => m.get(k) !== undefined && m.get(k) !== null && m.get(k) !== '');
  if (!enabled) {
    // exporter-toolkit silently serves plain HTTP here; a version or cipher list without a certificate is surely a mistake.
    const stray = [...m.keys()].filter((k) => m.get(k) !== null);
    if (stray.length) r.problem(path, `${stray.join(', ')} set, but TLS is off without cert_file and key_file`);
    return undefined;
  }

  const pem = (fileKey: string, inlineKey: string, secret: boolean): PemSource | undefined => {
    const file = str(fileKey);
    const inline = str(inlineKey);
    if (file && inline) {
      r.problem(path, `set ${fileKey} or ${inlineKey}, not both`);
      return undefined;
    }
    if (inline) {
      if (secret) registerSecret(inline);
      return { path: at(inlineKey), inline: new Secret(inline) };
    }
    if (file) return { path: at(fileKey), file: isAbsolute(file) ? file : join(baseDir, file) };
    return undefined;
  };
  const cert = pem('cert_file', 'cert', false);
  const key = pem('key_file', 'key', true);
  const clientCa = pem('client_ca_file', 'client_ca', false);
  if (!cert && !m.get('cert_file') && !m.get('cert')) r.problem(path, 'missing cert_file (or cert): TLS needs a certificate');
  if (!key && !m.get('key_file') && !m.get('key')) r.problem(path, "missing key_file (or key): TLS needs the certificate's private key");

  const authText = str('client_auth_type') ?? 'NoClientCert';
  const clientAuthType = CLIENT_AUTH_ALIASES.get(authText) ?? (isClientAuthType(authText) ? authText : undefined);
  if (!clientAuthType) r.problem(at('client_auth_type'), `must be one of ${CLIENT_AUTH_TYPES.join(', ')}, not ${JSON.stringify(authText)}`);
  if (clientAuthType === 'NoClientCert' && clientCa) {
    r.problem(
      path,
      `${clientCa.path.split('.').pop()} is set but client_auth_type is NoClientCert: set client_auth_type (RequireAndVerifyClientCert to authenticate clients)`,
    );
  }
  if (clientAuthType && VERIFYING.includes(clientAuthType) && !clientCa && !m.get('client_ca_file') && !m.get('client_ca')) {
    r.problem(at('client_ca_file'), `required when client_auth_type is ${clientAuthType}: the CA that client certificates must chain to`);
  }

  const version = (k: string, fallback: TlsVersionName): TlsVersionName => {
    const v = str(k);
    if (v === undefined) return fallback;
    if (Object.hasOwn(TLS_VERSIONS, v)) return v as TlsVersionName;
    r.problem(at(k), `must be one of ${Object.keys(TLS_VERSIONS).join(', ')}, not ${JSON.stringify(v)}`);
    return fallback;
  };
  const minVersion = version('min_version', 'TLS12');
  const maxVersion = version('max_version', 'TLS13');
  if (tlsVersionRank(minVersion) > tlsVersionRank(maxVersion)) r.problem(at('min_version'), `${minVersion} is above max_version ${maxVersion}`);

  const named = (k: string, known: Record<string, unknown>, what: string): string[] | undefined => {
    const list = r.stringList(m.get(k), at(k));
    list?.forEach((name, i) => {
      if (!Object.hasOwn(known, name)) r.problem(`${at(k)}[${i}]`, `unknown ${what} ${JSON.stringify(name)} (known: ${Object.keys(known).join(', ')})`);
    });
    return list?.length ? list : undefined;
  };
  const cipherSuites = named('cipher_suites', CIPHER_SUITES, 'cipher suite');
  const curvePreferences = named('curve_preferences', CURVES, 'curve');
  const preferServerCipherSuites = r.boolean(m.get('prefer_server_cipher_suites'), at('prefer_server_cipher_suites')) ?? true;

  const clientAllowedSans = r.stringList(m.get('client_allowed_sans'), at('client_allowed_sans'));
  if (clientAllowedSans && clientAuthType && !REQUIRING.includes(clientAuthType)) {
    r.problem(
      at('client_allowed_sans'),
      'requires client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert: the other types let a client connect without a certificate to match',
    );
  }

  if (!cert || !key || !clientAuthType) return undefined;
  return { cert, key, clientCa, clientAuthType, minVersion, maxVersion, cipherSuites, curvePreferences, preferServerCipherSuites, clientAllowedSans };
}

function readRateLimit(node: unknown, path: string, r: Reader): WebConfig['rateLimit'] {
  const m = r.mapping(node, path, ['interval', 'burst']);
  const text = r.string(m.get('interval'), `${path}.interval`);
  const burst = r.integer(m.get('burst'), `${path}.burst`) ?? 0;
  if (text === undefined) return undefined;
  const intervalMs = parseGoDuration(text);
  if (intervalMs === undefined) {
    r.problem(`${path}.interval`, `${JSON.stringify(text)} is not a duration such as 1s or 100ms`);
    return undefined;
  }
  if (intervalMs === 0) return undefined; // 0 disables the limiter, as documented upstream
  // Go's limiter with a burst of 0 refuses every request; no one means that.
  if (burst < 1) r.problem(`${path}.burst`, 'must be at least 1 when rate_limit.interval is set');
  return { intervalMs, burst };
}

function readUsers(node: unknown, path: string, r: Reader): Map<string, Secret> {
  const users = new Map<string, Secret>();
  for (const [name, value] of r.mapping(node, path)) {
    const at = child(path, name);
    // Basic auth splits user from password at the first colon: such a user could never log in.
    if (name.includes(':')) r.problem(at, 'a user name cannot contain ":"');
    if (typeof value !== 'string') {
      r.problem(at, 'must be a bcrypt hash string');
      continue;
    }
    registerSecret(value);
    const parsed = parseBcryptHash(value);
    if (typeof parsed === 'string') r.problem(at, parsed);
    else users.set(name, new Secret(parsed.hash));
  }
  return users;
}
