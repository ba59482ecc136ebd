import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PemSource, WebTlsConfig } from './config.js';
import { WebConfigError } from './errors.js';
import { Secret } from './secret.js';

/** What the TLS server is made of at one moment: read together so that a reload swaps all of it or nothing. */
export interface TlsMaterial {
  cert: string;
  key: Secret;
  ca?: string;
  /** Identifies the bytes read, so that a reload that finds nothing new changes nothing. */
  digest: string;
  /** The served certificate as a log line may show it. */
  summary: CertificateSummary;
}

export interface CertificateSummary {
  subject: string;
  issuer: string;
  serial: string;
  validTo: string;
  fingerprint256: string;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Reads and checks the certificate, key and client CA, at start-up and at
 * every reload: each must be readable and parse, and the key must be the
 * certificate's, so that a broken rotation is refused whole rather than
 * failing every handshake. Throws WebConfigError naming the key of each
 * problem; no message quotes file contents.
 */
export function readTlsMaterial(tls: WebTlsConfig): TlsMaterial {
  const problems: string[] = [];
  const certText = read(tls.cert, problems);
  const keyText = read(tls.key, problems);
  const caText = tls.clientCa ? read(tls.clientCa, problems) : undefined;

  let leaf: X509Certificate | undefined;
  if (certText !== undefined) {
    const certs = parseCertificates(certText, tls.cert, problems);
    leaf = certs?.[0];
  }
  let key: KeyObject | undefined;
  if (keyText !== undefined) {
    try {
      key = createPrivateKey(keyText);
    } catch (err) {
      problems.push(`${tls.key.path}: ${where(tls.key)}is not a PEM private key, or is encrypted (${(err as Error).message})`);
    }
  }
  if (leaf && key && !leaf.checkPrivateKey(key)) {
    problems.push(`${tls.key.path}: ${where(tls.key)}is not the private key of the certificate in ${tls.cert.path}`);
  }
  if (caText !== undefined && tls.clientCa) parseCertificates(caText, tls.clientCa, problems);
  if (problems.length || !leaf || certText === undefined || keyText === undefined) throw new WebConfigError(problems);

  return {
    cert: certText,
    key: new Secret(keyText),
    ca: caText,
    digest: createHash('sha256')
      .update(JSON.stringify([certText, keyText, caText ?? null]))
      .digest('hex'),
    summary: { subject: leaf.subject, issuer: leaf.issuer, serial: leaf.serialNumber, validTo: leaf.validTo, fingerprint256: leaf.fingerprint256 },
  };
}

function read(source: PemSource, problems: string[]): string | undefined {
  if (source.inline) return source.inline.reveal();
  try {
    return readFileSync(source.file!, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    problems.push(`${source.path}: cannot read ${source.file}: ${e.code ?? e.message}`);
    return undefined;
  }
}

function parseCertificates(text: string, source: PemSource, problems: string[]): X509Certificate[] | undefined {
  const blocks = text.match(PEM_CERT) ?? [];
  if (!blocks.length) {
    problems.push(`${source.path}: ${where(source)}holds no PEM certificate`);
    return undefined;
  }
  const out: X509Certificate[] = [];
  for (const [i, block] of blocks.entries()) {
    try {
      out.push(new X509Certificate(block));
    } catch (err) {
      problems.push(`${source.path}: ${where(source)}certificate ${i + 1} does not parse (${(err as Error).message})`);
      return undefined;
    }
  }
  return out;
}

function where(source: PemSource): string {
  return source.file ? `${source.file} ` : '';
}
