import { GnocchiHttpError } from './errors.js';
import { strRepr } from './pyjson.js';
import type { Comparison, Condition, Scalar } from './search.js';

/** Gnocchi's binary operators in the order of its regex alternation: the first that matches wins, so `==` reads as `=`. */
const OPERATORS = ['>=', '<=', '!=', '>', '<', '=', '==', 'eq', 'ne', 'lt', 'gt', 'ge', 'le', 'in', 'like', '≠', '≥', '≤'];
const NORMAL: Record<string, Comparison> = {
  '>=': 'ge',
  '<=': 'le',
  '!=': 'ne',
  '>': 'gt',
  '<': 'lt',
  '=': 'eq',
  '==': 'eq',
  eq: 'eq',
  ne: 'ne',
  lt: 'lt',
  gt: 'gt',
  ge: 'ge',
  le: 'le',
  in: 'in',
  like: 'like',
  '≠': 'ne',
  '≥': 'ge',
  '≤': 'le',
};
/** infixNotation's levels, loosest first; each keyword is matched as a bare prefix, as pyparsing's Literal does. */
const LEVELS: Array<[string, 'and' | 'or']> = [
  ['∨', 'or'],
  ['or', 'or'],
  ['∧', 'and'],
  ['and', 'and'],
];

const TERMS: Array<[RegExp, (m: string) => Scalar]> = [
  [/^(?:None|none|null)/, () => null],
  [/^(?:False|True|false|true)/, (m) => m.toLowerCase() === 'true'],
  [/^[0-9a-fA-F]{8}(?:-?[0-9a-fA-F]{4}){3}-?[0-9a-fA-F]{12}/, (m) => m],
  [/^[A-Za-z][A-Za-z0-9_]*/, (m) => m],
  [/^[+-]?\d+(?::?\.\d*)?(?::?[eE][+-]?\d+)?/, (m) => Number(m.replace(/:/g, ''))],
  [/^"[^"\n]*"|^'[^'\n]*'/, (m) => m.slice(1, -1)],
];

class NoMatch extends Error {}

/**
 * Gnocchi's query-string filter (`project_id='abc' and ended_at=null`),
 * parsed as its pyparsing grammar does, quirks included: `==` is refused,
 * `nonexistent` reads as `none` followed by garbage, a dotted bare word
 * (`m1.small`) must be quoted. A failure is Gnocchi's 400 `Invalid filter`.
 */
export function stringCondition(text: string): Condition {
  let pos = 0;
  let furthest = 0;
  const skip = () => {
    while (pos < text.length && /\s/.test(text.charAt(pos))) pos++;
  };
  const miss = (): never => {
    furthest = Math.max(furthest, pos);
    throw new NoMatch();
  };
  const attempt = <T>(parse: () => T): T | undefined => {
    const at = pos;
    try {
      return parse();
    } catch (err) {
      if (!(err instanceof NoMatch)) throw err;
      pos = at;
      return undefined;
    }
  };
  const literal = (word: string): boolean => {
    skip();
    if (text.startsWith(word, pos)) {
      pos += word.length;
      return true;
    }
    furthest = Math.max(furthest, pos);
    return false;
  };
  const term = (): Scalar | Scalar[] => {
    skip();
    const rest = text.slice(pos);
    for (const [re, value] of TERMS) {
      const m = re.exec(rest)?.[0];
      if (m !== undefined) {
        pos += m.length;
        return value(m);
      }
    }
    if (!literal('[')) return miss();
    const items: Scalar[] = [];
    const first = attempt(term);
    if (first !== undefined) {
      items.push(...(Array.isArray(first) ? first : [first]));
      while (literal(',')) {
        const next = term();
        items.push(...(Array.isArray(next) ? next : [next]));
      }
    }
    if (!literal(']')) return miss();
    return items;
  };
  const condition = (): Condition => {
    const attr = term();
    skip();
    const op = OPERATORS.find((o) => text.startsWith(o, pos));
    if (op === undefined) return miss();
    pos += op.length;
    return { op: NORMAL[op] ?? 'eq', attr, value: term() };
  };
  const atom = (): Condition => {
    const plain = attempt(condition);
    if (plain) return plain;
    if (!literal('(')) return miss();
    const inner = expression(0);
    if (!literal(')')) return miss();
    return inner;
  };
  const negation = (): Condition => {
    const at = pos;
    if (literal('not')) {
      const inner = attempt(negation);
      if (inner) return { op: 'not', inner };
      pos = at;
    }
    return atom();
  };
  const expression = (level: number): Condition => {
    if (level === LEVELS.length) return negation();
    const [word, op] = LEVELS[level]!;
    const parts = [expression(level + 1)];
    for (;;) {
      const at = pos;
      const next = literal(word) ? attempt(() => expression(level + 1)) : undefined;
      if (!next) {
        pos = at;
        break;
      }
      parts.push(next);
    }
    return parts.length === 1 ? parts[0]! : { op, parts };
  };

  const fail = (expected: string, at: number): never => {
    const found =
      text === '' ? '' : at >= text.length ? ', found end of text' : `, found ${strRepr(/^[\p{L}\p{N}_]{1,16}/u.exec(text.slice(at))?.[0] ?? text.charAt(at))}`;
    throw new GnocchiHttpError(400, `Invalid filter: Expected ${expected}${found}  (at char ${String(at)}), (line:1, col:${String(at + 1)})`);
  };
  const parsed = attempt(() => expression(0));
  if (!parsed) return fail("'∨' term", furthest);
  skip();
  if (pos < text.length) return fail('end of text', pos);
  return parsed;
}
