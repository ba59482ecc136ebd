import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log.js';

/** A real logger (redaction and scrubbing included) whose JSON lines are kept in memory. */
export function captureLogger(level = 'debug'): { log: Logger; text: () => string; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  const log = createLogger({ level, format: 'json', destination: stream });
  return {
    log,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
