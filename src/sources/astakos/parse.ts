import { randomBytes } from 'node:crypto';
import { ShapeError } from '../../core/shape.js';

/**
 * Astakos quantities are signed 64-bit integers and "unlimited" is 2^63-1.
 * JSON.parse rounds any integer above 2^53 to the nearest double, so
 * 9223372036854775807 and 9223372036854775806 both come back as 2^63 and
 * "unlimited" could no longer be told from a huge finite limit.
 *
 * parseAstakosJson therefore hands every integer literal a double cannot hold
 * exactly over as an opaque token string carrying its digits; only asQuantity
 * and asLimit read those tokens. The token starts with a NUL and a nonce drawn
 * at start-up, so no string an upstream sends can pass for one.
 */
const TOKEN_PREFIX = `\u0000${randomBytes(9).toString('base64url')}:`;
const TOKEN_PREFIX_JSON = `\\u0000${TOKEN_PREFIX.slice(1)}`;

/** A double holds every integer of up to 15 digits exactly; an unsafe one has at least 16. */
const LONG_DIGITS = /\d{16}/;
/**
 * A long integer where JSON allows a value: after `:`, `[` or `,`, before `,`, `}` or `]`.
 * Inside a string such a match breaks the JSON (the inserted quotes close the
 * string), so a false match can only make the parse fail, and then the exact
 * tokenizer below is used instead.
 */
const VALUE_LONG_INTEGER = /(^|[:[,]\s*)(-?\d{16,})(?=\s*(?:[,}\]]|$))/g;
/** Strings and numbers, so that digits inside a string are never taken for a number. */
const TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

const UNLIMITED = 2n ** 63n - 1n;
/** Where a limit arrives as a double, 2^63 is as close as it gets to "unlimited". */
const UNLIMITED_DOUBLE = 2 ** 63;

export function parseAstakosJson(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  const quick = text.replace(VALUE_LONG_INTEGER, (match, before: string, digits: string) =>
    Number.isSafeInteger(Number(digits)) ? match : `${before}"${TOKEN_PREFIX_JSON}${digits}"`,
  );
  try {
    return JSON.parse(quick);
  } catch {
    return JSON.parse(
      text.replace(TOKEN, (token, offset: number) =>
        token.charCodeAt(0) === 34 /* " */ || !/^-?\d+$/.test(token) || Number.isSafeInteger(Number(token)) || !inValuePlace(text, offset, token.length)
          ? token
          : `"${TOKEN_PREFIX_JSON}${token}"`,
      ),
    );
  }
}

/** Whether a number sits where JSON allows a value, so that marking it cannot turn a malformed key into a valid one. */
function inValuePlace(text: string, offset: number, length: number): boolean {
  let before = offset - 1;
  while (before >= 0 && /\s/.test(text[before]!)) before--;
  let after = offset + length;
  while (after < text.length && /\s/.test(text[after]!)) after++;
  return (before < 0 || ':[,'.includes(text[before]!)) && (after >= text.length || ',}]'.includes(text[after]!));
}

/** The exact value of an integer that parseAstakosJson kept as a token, else undefined. */
export function bigIntegerOf(value: unknown): bigint | undefined {
  return typeof value === 'string' && value.startsWith(TOKEN_PREFIX) ? BigInt(value.slice(TOKEN_PREFIX.length)) : undefined;
}

/** A usage or pending figure: a number, a big integer (nearest double) or a numeric string. */
export function asQuantity(value: unknown, path: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const big = bigIntegerOf(value);
  if (big !== undefined) return Number(big);
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) {
    return /^-?\d+$/.test(value.trim()) ? Number(BigInt(value.trim())) : Number(value);
  }
  throw new ShapeError(path, 'a number', value);
}

/** A limit: 2^63-1 (or more) means unlimited and becomes +Inf, never a large finite number. */
export function asLimit(value: unknown, path: string): number {
  const big = bigIntegerOf(value) ?? (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? BigInt(value.trim()) : undefined);
  if (big !== undefined) return big >= UNLIMITED ? Number.POSITIVE_INFINITY : Number(big);
  const n = asQuantity(value, path);
  return n >= UNLIMITED_DOUBLE ? Number.POSITIVE_INFINITY : n;
}
