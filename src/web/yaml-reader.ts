/**
 * Typed reads of a YAML document parsed with `mapAsMap`, collecting every
 * problem with its key path instead of stopping at the first, so that one
 * run of --check-config lists them all. Values are never quoted back, since
 * some of them (hashes, inline keys) are secrets.
 */
export class Reader {
  readonly problems: string[] = [];

  problem(path: string, message: string): void {
    this.problems.push(path ? `${path}: ${message}` : message);
  }

  /**
   * A mapping with only the allowed keys. YAML `key:` with no value is null,
   * which Go's decoder takes as the zero value: read as absent, like Go.
   */
  mapping(node: unknown, path: string, allowed?: readonly string[]): Map<string, unknown> {
    if (node === undefined || node === null) return new Map();
    if (!(node instanceof Map)) {
      this.problem(path, `must be a mapping, not ${describe(node)}`);
      return new Map();
    }
    const out = new Map<string, unknown>();
    for (const [k, v] of node as Map<unknown, unknown>) {
      const key = String(k);
      if (allowed && !allowed.includes(key)) {
        this.problem(child(path, key), `unknown key (expected one of ${allowed.join(', ')})`);
        continue;
      }
      out.set(key, v);
    }
    return out;
  }

  string(node: unknown, path: string): string | undefined {
    if (node === undefined || node === null) return undefined;
    if (typeof node === 'string') return node;
    this.problem(path, `must be a string, not ${describe(node)}`);
    return undefined;
  }

  boolean(node: unknown, path: string): boolean | undefined {
    if (node === undefined || node === null) return undefined;
    if (typeof node === 'boolean') return node;
    this.problem(path, `must be true or false, not ${describe(node)}`);
    return undefined;
  }

  integer(node: unknown, path: string): number | undefined {
    if (node === undefined || node === null) return undefined;
    if (typeof node === 'number' && Number.isSafeInteger(node)) return node;
    this.problem(path, `must be an integer, not ${describe(node)}`);
    return undefined;
  }

  stringList(node: unknown, path: string): string[] | undefined {
    if (node === undefined || node === null) return undefined;
    if (!Array.isArray(node)) {
      this.problem(path, `must be a list of strings, not ${describe(node)}`);
      return undefined;
    }
    const out: string[] = [];
    node.forEach((item: unknown, i) => {
      const s = this.string(item, `${path}[${i}]`);
      if (s !== undefined) out.push(s);
    });
    return out;
  }
}

/** `a.b` for plain keys; `a["x.y"]` for keys (user names) that would read ambiguously. */
export function child(path: string, key: string): string {
  const part = /^[A-Za-z0-9_-]+$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (!path) return part;
  return part.startsWith('[') ? `${path}${part}` : `${path}.${part}`;
}

function describe(node: unknown): string {
  if (node instanceof Map) return 'a mapping';
  if (Array.isArray(node)) return 'a list';
  if (typeof node === 'string') return 'a string';
  if (typeof node === 'number') return `a number`;
  if (typeof node === 'boolean') return `a boolean`;
  return typeof node;
}
