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
  'password', 'token', 'secret', 'clientSecret', 'apiSecret', 'apiKey', 'basicToken',
  'personalAccessToken', 'applicationCredentialSecret', 'accessToken', 'access_token',
  'refresh_token', 'refreshToken', 'authorization', 'Authorization', 'x-auth-token',
  'X-Auth-Token', 'cloud_key', 'cloudKey', 'bearerToken',
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

export function scrubSecrets(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  return out;
}

export interface LoggerOptions {
  level: string;
  format?: LogFormat;
  /** Where JSON lines go; defaults to stdout. Tests pass a stream to read the log back. */
  destination?: DestinationStream;
}

export function createLogger(opts: LoggerOptions): Logger {
  const wantPretty = opts.format === 'pretty' || (opts.format !== 'json' && !opts.destination && process.stdout.isTTY);
  const destination = wantPretty ? pretty({ destination: 1, sync: true }) : opts.destination ?? pinoDestination({ sync: false });
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
