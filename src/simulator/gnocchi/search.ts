import { GnocchiCrash, GnocchiHttpError } from './errors.js';
import { floatRepr } from './pyjson.js';
import { DATETIME_ATTRIBUTES, RESOURCE_TYPES, type Resource } from './resources.js';

export type Comparison = 'eq' | 'ne' | 'lt' | 'gt' | 'le' | 'ge' | 'like' | 'in';
export type Scalar = string | number | boolean | null;

/** A resource filter, whichever syntax it came in. */
export type Condition =
  { op: 'and' | 'or'; parts: Condition[] } | { op: 'not'; inner: Condition } | { op: Comparison; attr: unknown; value: Scalar | Scalar[] };

const COMPARISONS: Partial<Record<string, Comparison>> = {
  '=': 'eq',
  '==': 'eq',
  eq: 'eq',
  '<': 'lt',
  lt: 'lt',
  '>': 'gt',
  gt: 'gt',
  '<=': 'le',
  '≤': 'le',
  le: 'le',
  '>=': 'ge',
  '≥': 'ge',
  ge: 'ge',
  '!=': 'ne',
  '≠': 'ne',
  ne: 'ne',
  like: 'like',
  in: 'in',
};
const LOGICAL: Partial<Record<string, 'and' | 'or'>> = { and: 'and', '∧': 'and', or: 'or', '∨': 'or' };

function isScalar(v: unknown): v is Scalar {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function entriesOf(node: unknown): Array<[string, unknown]> | undefined {
  return typeof node === 'object' && node !== null && !Array.isArray(node) ? Object.entries(node) : undefined;
}

/**
 * A JSON filter, checked against Gnocchi's schema; undefined for `{}`, which
 * matches everything. Gnocchi 4.4 hands whatever its schema refuses to the
 * query-string parser, which fails on a non-string: a crash, no answer.
 */
export function jsonCondition(node: unknown): Condition | undefined {
  const entries = entriesOf(node);
  if (!entries || entries.length > 1) throw new GnocchiCrash('search is not a filter');
  if (entries.length === 0) return undefined;
  const [key, arg] = entries[0]!;
  const logical = LOGICAL[key];
  if (logical) {
    if (!Array.isArray(arg) || arg.length === 0) throw new GnocchiCrash(`${key} needs a list`);
    return { op: logical, parts: arg.map((sub) => jsonCondition(sub) ?? { op: 'and', parts: [] }) };
  }
  if (key === 'not') return { op: 'not', inner: jsonCondition(arg) ?? { op: 'and', parts: [] } };
  const op = COMPARISONS[key];
  const pair = entriesOf(arg);
  if (!op || !pair || pair.length !== 1) throw new GnocchiCrash(`unknown operator ${key}`);
  const [attr, value] = pair[0]!;
  const fits = op === 'in' ? Array.isArray(value) && value.every(isScalar) : isScalar(value);
  if (!fits) throw new GnocchiCrash(`bad value for ${attr}`);
  return { op, attr, value: value as Scalar | Scalar[] };
}

/** The policy keystonemiddleware's project sees without the admin role: its own, and what its users created. */
export function projectPolicy(projectId: string): Condition {
  return {
    op: 'or',
    parts: [
      { op: 'eq', attr: 'project_id', value: projectId },
      { op: 'like', attr: 'creator', value: `%:${projectId}` },
    ],
  };
}

type Truth = boolean | null;

/** SQL's AND and OR over unknowns: a part that decides wins, else an unknown part makes the whole unknown. */
function logical(op: 'and' | 'or', parts: Array<(r: Resource) => Truth>): (r: Resource) => Truth {
  const decisive = op === 'or';
  return (r) => {
    let unknown = false;
    for (const part of parts) {
      const t = part(r);
      if (t === decisive) return decisive;
      if (t === null) unknown = true;
    }
    return unknown ? null : !decisive;
  };
}

function likeRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(`^${body}$`, 's');
}

/** A value as the indexer casts it to the column's type. */
function cast(attr: string, value: Scalar): string | number | null {
  if (value === null) return null;
  if (DATETIME_ATTRIBUTES.has(attr)) {
    const ms =
      typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`) : Number.NaN;
    if (Number.isNaN(ms)) throw new GnocchiHttpError(400, `Invalid value: \`${String(value)}' for field \`${attr}'`);
    return ms;
  }
  if (typeof value === 'number') return floatRepr(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return value;
}

function compare(op: Comparison, have: string | number | null, want: string | number | null | Array<string | number | null>): Truth {
  if (Array.isArray(want)) return have === null ? null : want.includes(have) ? true : want.includes(null) ? null : false;
  if (want === null) return op === 'eq' ? have === null : op === 'ne' ? have !== null : null;
  if (op === 'ne') return have === null || have !== want;
  if (have === null) return null;
  switch (op) {
    case 'eq':
      return have === want;
    case 'lt':
      return have < want;
    case 'gt':
      return have > want;
    case 'le':
      return have <= want;
    case 'ge':
      return have >= want;
    default:
      return likeRegExp(String(want)).test(String(have));
  }
}

/**
 * The filter as a predicate over resources of `type`, with SQL's three-valued
 * logic (a comparison with a null attribute is unknown, and `not` keeps it
 * unknown). An attribute the type lacks is Gnocchi's 400.
 */
export function compileCondition(condition: Condition, type: string): (r: Resource) => boolean {
  const attributes = RESOURCE_TYPES[type] ?? [];
  const build = (c: Condition): ((r: Resource) => Truth) => {
    switch (c.op) {
      case 'and':
      case 'or':
        return logical(c.op, c.parts.map(build));
      case 'not': {
        const inner = build(c.inner);
        return (r) => {
          const t = inner(r);
          return t === null ? null : !t;
        };
      }
      default:
        return comparison(c.op, c.attr, c.value);
    }
  };
  const comparison = (op: Comparison, rawAttr: unknown, value: Scalar | Scalar[]): ((r: Resource) => Truth) => {
    const attr = typeof rawAttr === 'string' ? rawAttr : String(rawAttr);
    if (!attributes.includes(attr)) throw new GnocchiHttpError(400, `Resource type ${type} has no ${attr} attribute`);
    const values = Array.isArray(value) ? value : [value];
    if (op === 'in' && values.length === 0) return () => true;
    const want = op === 'in' ? values.map((v) => cast(attr, v)) : cast(attr, values[0] ?? null);
    return (r) => compare(op, cast(attr, r[attr] ?? null), want);
  };
  const predicate = build(condition);
  return (r) => predicate(r) === true;
}
