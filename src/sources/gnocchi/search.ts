/** A resource filter as Gnocchi takes it: its query syntax as a string, or its JSON form. */
export type Search = string | Record<string, unknown>;

const COMPARISONS = new Set(['=', '==', 'eq', '<', 'lt', '>', 'gt', '<=', '≤', 'le', '>=', '≥', 'ge', '!=', '≠', 'ne', 'like', 'in']);
const LOGICAL = new Set(['and', 'or', '∧', '∨']);

/** A JSON filter written as a string, or the query-syntax string itself; undefined when empty. */
export function parseSearch(text: string): Search | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (!trimmed.startsWith('{')) return trimmed;
  const value: unknown = JSON.parse(trimmed);
  const problem = filterProblem(value, '');
  if (problem) throw new Error(problem);
  return value as Record<string, unknown>;
}

/**
 * Why a JSON filter is not one Gnocchi's schema takes, or undefined. Gnocchi
 * 4.4 does not answer such a filter with a 400: it fails while handling it
 * and drops the connection, every cycle; a mistake is better caught in the
 * config.
 */
function filterProblem(node: unknown, at: string): string | undefined {
  const where = at || 'the filter';
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return `${where} must be an object such as {"=": {"project_id": "abc"}}`;
  const entries: Array<[string, unknown]> = Object.entries(node);
  if (entries.length !== 1) return `${where} must have exactly one operator, not ${entries.length}`;
  const [op, arg] = entries[0]!;
  const path = `${at}${at ? '.' : ''}${op}`;
  if (LOGICAL.has(op)) {
    if (!Array.isArray(arg) || arg.length === 0) return `${path} must be a non-empty list of filters`;
    for (const [i, sub] of arg.entries()) {
      const problem = filterProblem(sub, `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (op === 'not') return filterProblem(arg, path);
  if (!COMPARISONS.has(op)) return `${path}: unknown operator "${op}" (Gnocchi knows ${[...COMPARISONS, ...LOGICAL, 'not'].join(' ')})`;
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg) || Object.keys(arg).length !== 1) {
    return `${path} must name one attribute and its value, such as {"project_id": "abc"}`;
  }
  if (op === 'in' && !Array.isArray(Object.values(arg)[0])) return `${path} needs a list of values`;
  return undefined;
}
