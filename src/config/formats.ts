import convict from 'convict';
import { parseDuration } from '../core/duration.js';

let registered = false;

/**
 * Formats of durations written as strings with a unit. convict hands a JSON
 * number to `validate` without converting it, and a number cannot be told from
 * an already converted string there: the loader turns numbers given for these
 * keys into strings first, so that "interval": 300 is refused, not read as
 * 300 ms.
 */
export const DURATION_FORMATS: ReadonlySet<unknown> = new Set(['duration', 'optional-duration', 'duration-or-zero']);
const MESSAGE = 'must be a duration with its unit, such as 30s, 5m or 1h';

/** Custom convict formats: durations as "30s"/"5m"/"1h" (held as ms), URLs, names. */
export function registerFormats(): void {
  if (registered) return;
  registered = true;
  convict.addFormats({
    duration: {
      validate(value: unknown) {
        if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new Error(MESSAGE);
      },
      // A bare number is refused: "300" could mean seconds or milliseconds.
      coerce: tryDuration,
    },
    'duration-or-zero': {
      validate(value: unknown) {
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`${MESSAGE}; 0s for none`);
      },
      coerce: tryDuration,
    },
    'optional-duration': {
      validate(value: unknown) {
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`${MESSAGE}, or "" for the default`);
      },
      coerce: (value: string) => (value === '' ? 0 : tryDuration(value)),
    },
    'optional-url': {
      validate(value: unknown) {
        if (typeof value !== 'string') throw new Error('must be a URL string');
        if (value === '') return;
        let url: URL;
        try {
          url = new URL(value);
        } catch {
          throw new Error('must be an absolute http:// or https:// URL');
        }
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('must be an http:// or https:// URL');
      },
    },
    'target-name': {
      validate(value: unknown) {
        if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,62}$/.test(value)) {
          throw new Error('must be 1-63 characters of letters, digits, "_", ".", ":" or "-", starting with a letter or digit');
        }
      },
    },
    'non-negative-number': {
      validate(value: unknown) {
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error('must be a number >= 0');
      },
      coerce: (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value),
    },
    // convict's own Boolean reads every string but "false" as true: "no" would turn TLS verification off.
    bool: {
      validate(value: unknown) {
        if (typeof value !== 'boolean') throw new Error('must be true or false (a JSON boolean, not a string)');
      },
    },
    // convict's own says "must be a positive integer", though 0 is allowed.
    nat: {
      validate(value: unknown) {
        if (!Number.isInteger(value) || (value as number) < 0) throw new Error('must be an integer >= 0');
      },
    },
    'positive-int': {
      validate(value: unknown) {
        if (!Number.isInteger(value) || (value as number) < 1) throw new Error('must be an integer >= 1');
      },
    },
  });
}

function tryDuration(text: string): number | string {
  try {
    return parseDuration(text);
  } catch {
    return text;
  }
}
