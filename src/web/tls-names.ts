import { DEFAULT_CIPHERS } from 'node:tls';

/**
 * The names exporter-toolkit's YAML uses (Go's crypto/tls names) and what
 * Node's OpenSSL calls the same thing. Only names Go accepts are accepted,
 * so a web config file means the same thing to a Go exporter and to this one.
 */

export const CLIENT_AUTH_TYPES = [
  'NoClientCert',
  'RequestClientCert',
  'RequireAnyClientCert',
  'VerifyClientCertIfGiven',
  'RequireAndVerifyClientCert',
] as const;
export type ClientAuthType = (typeof CLIENT_AUTH_TYPES)[number];

export function isClientAuthType(name: string): name is ClientAuthType {
  return (CLIENT_AUTH_TYPES as readonly string[]).includes(name);
}

/** exporter-toolkit still accepts the name it used first. */
export const CLIENT_AUTH_ALIASES: ReadonlyMap<string, ClientAuthType> = new Map([['RequireClientCert', 'RequireAnyClientCert']]);

export const TLS_VERSIONS = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' } as const;
export type TlsVersionName = keyof typeof TLS_VERSIONS;

export function tlsVersionRank(v: TlsVersionName): number {
  return Object.keys(TLS_VERSIONS).indexOf(v);
}

/**
 * Go's tls.CipherSuites() (the ones it does not deem insecure). Go lets no
 * one choose TLS 1.3 suites and ignores them in this list; so do we (null).
 */
export const CIPHER_SUITES: Record<string, string | null> = {
  TLS_AES_128_GCM_SHA256: null,
  TLS_AES_256_GCM_SHA384: null,
  TLS_CHACHA20_POLY1305_SHA256: null,
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
};

export const CURVES: Record<string, string> = { CurveP256: 'P-256', CurveP384: 'P-384', CurveP521: 'P-521', X25519: 'X25519' };

/**
 * The OpenSSL cipher string, or undefined for Node's default. Configured
 * suites only restrict TLS 1.2 and below (Go's rule), so Node's TLS 1.3 suites
 * stay. OpenSSL 3 refuses TLS 1.0 and 1.1 at its default security level
 * whatever the version range says; Go serves them when asked, so a
 * min_version below TLS12 lowers the level to 0 to keep that promise.
 */
export function cipherString(suites: readonly string[] | undefined, minVersion: TlsVersionName): string | undefined {
  const legacy = tlsVersionRank(minVersion) < tlsVersionRank('TLS12');
  if (!suites?.length && !legacy) return undefined;
  const tls13 = DEFAULT_CIPHERS.split(':').filter((c) => c.startsWith('TLS_'));
  const rest = suites?.length
    ? suites.map((s) => CIPHER_SUITES[s]).filter((c): c is string => !!c)
    : DEFAULT_CIPHERS.split(':').filter((c) => !c.startsWith('TLS_'));
  return [...tls13, ...rest, ...(legacy ? ['@SECLEVEL=0'] : [])].join(':');
}
