import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM paths of a certificate and its key. */
export interface Issued {
  cert: string;
  key: string;
}

export interface IssueOptions {
  cn: string;
  /** openssl subjectAltName syntax, e.g. "IP:127.0.0.1,DNS:localhost". */
  san?: string;
  /** Which CA signs it; "self" makes a self-signed certificate. */
  by?: 'ca' | 'other' | 'self';
  serial?: number;
}

/**
 * Two private CAs made with openssl at test time (the test's CA, and another
 * one whose certificates the server must not trust), and certificates signed
 * by either. EC keys keep it fast.
 */
export class Pki {
  readonly dir: string;
  readonly ca: string;
  readonly otherCa: string;
  #serial = 1000;

  constructor(prefix = 'web-pki-') {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
    this.ca = this.#selfSigned('ca', 'Test CA', true).cert;
    this.otherCa = this.#selfSigned('other-ca', 'Other CA', true).cert;
  }

  issue(name: string, opts: IssueOptions): Issued {
    if (opts.by === 'self') return this.#selfSigned(name, opts.cn, false, opts.san);
    const key = join(this.dir, `${name}.key`);
    const csr = join(this.dir, `${name}.csr`);
    const cert = join(this.dir, `${name}.pem`);
    const ext = join(this.dir, `${name}.ext`);
    this.#openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${opts.cn}`]);
    writeFileSync(ext, `basicConstraints=CA:FALSE\n${opts.san ? `subjectAltName=${opts.san}\n` : ''}`);
    const signer = opts.by === 'other' ? 'other-ca' : 'ca';
    const serial = String(opts.serial ?? ++this.#serial);
    this.#openssl([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      join(this.dir, `${signer}.pem`),
      '-CAkey',
      join(this.dir, `${signer}.key`),
      '-set_serial',
      serial,
      '-out',
      cert,
      '-days',
      '2',
      '-extfile',
      ext,
    ]);
    return { cert, key };
  }

  read(path: string): Buffer {
    return readFileSync(path);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  #selfSigned(name: string, cn: string, isCa: boolean, san?: string): Issued {
    const key = join(this.dir, `${name}.key`);
    const cert = join(this.dir, `${name}.pem`);
    const exts = isCa
      ? ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']
      : ['-addext', 'basicConstraints=CA:FALSE', ...(san ? ['-addext', `subjectAltName=${san}`] : [])];
    this.#openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      `/CN=${cn}`,
      ...exts,
    ]);
    return { cert, key };
  }

  #openssl(args: string[]): void {
    execFileSync('openssl', args, { cwd: this.dir, stdio: 'pipe' });
  }
}
