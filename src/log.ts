import { pino, destination as pinoDestination, type Logger, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };
export type LogFormat = 'json' | 'pretty' | 'auto';

/**
 * Field names whose values are secrets wherever they appear. Redaction by path
 * covers structured fields; the value scrubber below covers secrets that end up
 * inside free text such as an upstream error message.
 */
const SECRET_FIELDS = [
  'password',
  'token',
  'secret',
  'clientSecret',
  'apiSecret',
  'apiKey',
  'basicToken',
  'personalAccessToken',
  'applicationCredentialSecret',
  'accessToken',
  'access_token',
  'refresh_token',
  'refreshToken',
  'authorization',
  'Authorization',
  'x-auth-token',
  'X-Auth-Token',
  'cloud_key',
  'cloudKey',
  'bearerToken',
];
const REDACT_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.${f}`),
  'req.headers.authorization',
  'headers.authorization',
];

const MAX_SECRETS = 4096;
const secrets = new Set<string>();

/** Remembers a secret value so that it is masked wherever it would reach a log line. */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 4) return;
  for (const form of [value, JSON.stringify(value).slice(1, -1)]) {
    secrets.delete(form);
    secrets.add(form);
  }
  while (secrets.size > MAX_SECRETS) secrets.delete(secrets.values().next().value as string);
}

function scrubSecrets(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  return out;
}

export interface LoggerOptions {
  level: string;
  format?: LogFormat;
  /** Where JSON lines go; defaults to `fd`. Tests pass a stream to read the log back. */
  destination?: DestinationStream;
  /** 1 (stdout, the default) or 2 (stderr, when stdout carries a command's output). */
  fd?: 1 | 2;
}

export function createLogger(opts: LoggerOptions): Logger {
  const fd = opts.fd ?? 1;
  const tty = fd === 1 ? process.stdout.isTTY : process.stderr.isTTY;
  const wantPretty = opts.format === 'pretty' || (opts.format !== 'json' && !opts.destination && tty);
  const destination = wantPretty ? pretty({ destination: fd, sync: true }) : (opts.destination ?? pinoDestination({ dest: fd, sync: false }));
  return pino(
    {
      level: opts.level,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      hooks: { streamWrite: scrubSecrets },
      base: { pid: process.pid },
    },
    destination,
  );
}
