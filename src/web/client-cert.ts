import type { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { ClientAuthType } from './tls-names.js';

/**
 * Go's tls.ClientAuthType on top of what Node offers. Node either ignores a
 * client certificate's chain (rejectUnauthorized false) or demands a verified
 * one (true); the types in between are decided here, once the handshake is
 * done and before a byte of HTTP is read, from the peer certificate and
 * Node's verification result. Returns why a connection must be dropped.
 */
export type ClientCertCheck = (socket: TLSSocket) => string | undefined;

export function clientCertCheck(type: ClientAuthType, allowedSans?: readonly string[]): ClientCertCheck | undefined {
  const sans = allowedSans ? new Set(allowedSans) : undefined;
  const given = (s: TLSSocket) => s.getPeerX509Certificate();
  const unverified = (s: TLSSocket) => {
    // Typed as an Error that is always there; Node sets it to an error code, and only when a verification failed.
    const code: unknown = s.authorizationError;
    return `client certificate does not verify against the client CA (${typeof code === 'string' ? code : 'unknown error'})`;
  };
  let policy: ClientCertCheck | undefined;
  switch (type) {
    case 'NoClientCert':
    case 'RequestClientCert':
      break;
    case 'RequireAnyClientCert':
      policy = (s) => (given(s) ? undefined : 'no client certificate given');
      break;
    case 'VerifyClientCertIfGiven':
      policy = (s) => (given(s) && !s.authorized ? unverified(s) : undefined);
      break;
    case 'RequireAndVerifyClientCert':
      // Node already drops these; checked again so that a request-time check alone is enough.
      policy = (s) => (!given(s) ? 'no client certificate given' : !s.authorized ? unverified(s) : undefined);
      break;
  }
  if (!sans) return policy;
  return (s) => {
    const refusal = policy?.(s);
    if (refusal) return refusal;
    const cert = given(s);
    if (!cert) return 'no client certificate to match against client_allowed_sans';
    const found = subjectAltNames(cert);
    return found.some((n) => sans.has(n)) ? undefined : `client certificate has none of client_allowed_sans (it has: ${found.join(', ') || 'no SAN'})`;
  };
}

/**
 * The DNS, e-mail, IP and URI names of a certificate, written as Go's x509
 * package gives them (exporter-toolkit compares those strings): IPs in Go's
 * net.IP form ("::1", IPv4-mapped addresses dotted). Node prints the SAN
 * extension as `DNS:a, IP Address:0:0:0:0:0:0:0:1`, quoting with JSON any
 * value that holds a comma or another character that would mislead a split.
 */
export function subjectAltNames(cert: X509Certificate): string[] {
  const text = cert.subjectAltName;
  if (!text) return [];
  const out: string[] = [];
  const entry = /([^:,]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/y;
  for (let m = entry.exec(text); m && m[0]; m = entry.exec(text)) {
    const [, type, raw] = m;
    const value = raw!.startsWith('"') ? (JSON.parse(raw!) as string) : raw!;
    if (type === 'DNS' || type === 'email' || type === 'URI') out.push(value);
    else if (type === 'IP Address') out.push(goIp(value));
  }
  return out;
}

function goIp(text: string): string {
  if (!text.includes(':')) return text;
  const h = text.split(':').map((x) => parseInt(x, 16));
  if (h.length === 8 && h.slice(0, 5).every((x) => x === 0) && h[5] === 0xffff) {
    return [h[6]! >> 8, h[6]! & 255, h[7]! >> 8, h[7]! & 255].join('.');
  }
  try {
    // WHATWG URL writes IPv6 the RFC 5952 way, as Go does: lower case, longest zero run compressed.
    return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return text.toLowerCase();
  }
}
