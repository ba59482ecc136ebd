/**
 * Small guards for upstream JSON: each returns the value with its type or
 * throws a ShapeError naming the path, so a malformed response fails its own
 * sub-request with a message an operator can act on.
 */
export class ShapeError extends Error {
  constructor(path: string, expected: string, value: unknown) {
    super(`unexpected response: ${path} should be ${expected}, got ${describe(value)}`);
    this.name = 'ShapeError';
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value === undefined) return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

export type JsonObject = Record<string, unknown>;

export function asObject(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ShapeError(path, 'an object', value);
  return value as JsonObject;
}

export function asArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new ShapeError(path, 'an array', value);
  return value;
}

export function asString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new ShapeError(path, 'a string', value);
  return value;
}

/** A JSON number, or a numeric string (some APIs quote large numbers). */
export function asNumber(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  throw new ShapeError(path, 'a number', value);
}

/** Applies `read` unless the value is null or absent. */
export function optional<T>(value: unknown, read: (v: unknown, path: string) => T, path: string): T | undefined {
  return value === undefined || value === null ? undefined : read(value, path);
}
