import { watch, type FSWatcher } from 'node:fs';
import type { ServerOptions } from 'node:https';
import { dirname } from 'node:path';
import type { SecureContextOptions, Server as TlsServer } from 'node:tls';
import type { Logger } from '../log.js';
import type { WebTlsConfig } from './config.js';
import { WebConfigError } from './errors.js';
import { cipherString, CURVES, TLS_VERSIONS } from './tls-names.js';
import { readTlsMaterial, type TlsMaterial } from './tls-material.js';

/** Everything a secure context is made of; setSecureContext replaces the whole context, so a reload passes all of it again. */
function secureContextOptions(tls: WebTlsConfig, material: TlsMaterial): SecureContextOptions {
  const ciphers = cipherString(tls.cipherSuites, tls.minVersion);
  return {
    cert: material.cert,
    key: material.key.reveal(),
    ...(material.ca ? { ca: material.ca } : {}),
    minVersion: TLS_VERSIONS[tls.minVersion],
    maxVersion: TLS_VERSIONS[tls.maxVersion],
    ...(ciphers ? { ciphers } : {}),
    ...(tls.curvePreferences ? { ecdhCurve: tls.curvePreferences.map((c) => CURVES[c]).join(':') } : {}),
    honorCipherOrder: tls.preferServerCipherSuites,
  };
}

/**
 * Options for https.createServer / Fastify({ https }). Only RequireAndVerifyClientCert
 * can be left to Node (rejectUnauthorized); the other types accept any chain
 * here and are enforced by client-cert.ts once the handshake is done.
 */
export function httpsServerOptions(tls: WebTlsConfig, material: TlsMaterial): ServerOptions {
  return {
    ...secureContextOptions(tls, material),
    requestCert: tls.clientAuthType !== 'NoClientCert',
    rejectUnauthorized: tls.clientAuthType === 'RequireAndVerifyClientCert',
  };
}

export interface ReloadOptions {
  /** Files of one rotation land within moments of each other; wait this long after the last change. Default 250 ms. */
  debounceMs?: number;
  /** Re-read this often whatever the file events say (some volumes send none). Default 30 s; 0 disables. */
  pollMs?: number;
}

export type ReloadResult = 'unchanged' | 'reloaded' | 'failed';

/**
 * Keeps a running server's certificate, key and client CA in step with their
 * files, as cert-manager or certbot rotate them, without a restart: new
 * connections get the new context, open ones keep theirs. A change that does
 * not load (half-written, mismatched key) is logged once and the server keeps
 * what it had. exporter-toolkit re-reads the files at every handshake; reading
 * on change gives the same result without a disk read per connection.
 */
export class CertificateReloader {
  readonly #tls: WebTlsConfig;
  readonly #log: Logger;
  readonly #debounceMs: number;
  readonly #pollMs: number;
  #current: TlsMaterial;
  #server: TlsServer | undefined;
  #watchers: FSWatcher[] = [];
  #debounce: NodeJS.Timeout | undefined;
  #poll: NodeJS.Timeout | undefined;
  #lastFailure: string | undefined;

  constructor(tls: WebTlsConfig, initial: TlsMaterial, log: Logger, opts: ReloadOptions = {}) {
    this.#tls = tls;
    this.#current = initial;
    this.#log = log;
    this.#debounceMs = opts.debounceMs ?? 250;
    this.#pollMs = opts.pollMs ?? 30_000;
  }

  get current(): TlsMaterial {
    return this.#current;
  }

  /** Starts watching; inline PEM in the YAML cannot change, so with no files there is nothing to watch. */
  attach(server: TlsServer): void {
    if (this.#server) return;
    this.#server = server;
    const files = [this.#tls.cert, this.#tls.key, this.#tls.clientCa].flatMap((s) => (s?.file ? [s.file] : []));
    if (!files.length) return;
    // Directories, not files: an atomic rename or Kubernetes' swap of the `..data` link replaces the inode a file watch holds.
    for (const dir of new Set(files.map((f) => dirname(f)))) {
      try {
        const w = watch(dir, { persistent: false }, () => this.#schedule());
        w.on('error', (err) => this.#log.warn({ err, dir }, 'TLS file watch failed; relying on periodic re-reads'));
        this.#watchers.push(w);
      } catch (err) {
        this.#log.warn({ err, dir }, 'cannot watch TLS files; relying on periodic re-reads');
      }
    }
    if (this.#pollMs > 0) {
      this.#poll = setInterval(() => this.reload(), this.#pollMs);
      this.#poll.unref();
    }
  }

  /** Re-reads the files now (also what SIGHUP could call). */
  reload(): ReloadResult {
    const server = this.#server;
    if (!server) return 'unchanged';
    let next: TlsMaterial;
    try {
      next = readTlsMaterial(this.#tls);
    } catch (err) {
      return this.#failed(err instanceof WebConfigError ? err.problems.join('; ') : (err as Error).message);
    }
    if (next.digest === this.#current.digest) {
      this.#lastFailure = undefined;
      return 'unchanged';
    }
    try {
      server.setSecureContext(secureContextOptions(this.#tls, next));
    } catch (err) {
      return this.#failed((err as Error).message);
    }
    const previous = this.#current.summary;
    this.#current = next;
    this.#lastFailure = undefined;
    this.#log.info({ certificate: next.summary, previousSerial: previous.serial }, 'TLS certificate reloaded');
    return 'reloaded';
  }

  close(): void {
    clearTimeout(this.#debounce);
    clearInterval(this.#poll);
    for (const w of this.#watchers) w.close();
    this.#watchers = [];
  }

  #schedule(): void {
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => this.reload(), this.#debounceMs);
    this.#debounce.unref();
  }

  #failed(reason: string): ReloadResult {
    // Polling finds the same broken state again and again: say it once.
    if (reason !== this.#lastFailure) {
      this.#log.error({ reason, serving: this.#current.summary }, 'TLS files changed but do not load; still serving the previous certificate');
    }
    this.#lastFailure = reason;
    return 'failed';
  }
}
