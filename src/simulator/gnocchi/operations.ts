import { GnocchiHttpError } from './errors.js';

/** What `operations` asks for: the metrics (name or wildcard, method), and the method that aggregates across them, if any. */
export interface Operations {
  aggregate?: string;
  references: Array<{ name: string; method: string }>;
}

/** The methods `(aggregate ...)` takes, as Gnocchi's AGG_MAP has them. */
const ACROSS_METHODS = ['mean', 'median', 'std', 'min', 'max', 'sum', 'var', 'count'];

type Node = string | Node[];

/**
 * pyparsing's `nestedExpr()`: words and parenthesised lists, the first list
 * taken and anything after it ignored. A failure reads as pyparsing writes it.
 */
function nested(text: string): Node[] {
  let pos = 0;
  const skip = () => {
    while (pos < text.length && /\s/.test(text.charAt(pos))) pos++;
  };
  const fail = (expected: string): never => {
    const found = pos >= text.length ? (text ? ', found end of text' : '') : `, found '${/^\w{1,16}|^./.exec(text.slice(pos))?.[0] ?? ''}'`;
    throw new Error(`Expected ${expected}${found}  (at char ${String(pos)}), (line:1, col:${String(pos + 1)})`);
  };
  const list = (): Node[] => {
    pos++;
    const items: Node[] = [];
    for (;;) {
      skip();
      if (pos >= text.length) return fail("')'");
      const c = text.charAt(pos);
      if (c === ')') {
        pos++;
        return items;
      }
      if (c === '(') {
        items.push(list());
        continue;
      }
      const quoted = /^"(?:[^"\\]|\\.)*"|^'(?:[^'\\]|\\.)*'/.exec(text.slice(pos))?.[0];
      const word = quoted ?? /^[^()\s]+/.exec(text.slice(pos))?.[0] ?? '';
      items.push(word);
      pos += word.length;
    }
  };
  skip();
  if (text.charAt(pos) !== '(') return fail("'('");
  return list();
}

function invalid(reason: string): GnocchiHttpError {
  return new GnocchiHttpError(400, { cause: 'Invalid input', reason: `${reason} for dictionary value @ data['operations']`, detail: ['operations'] });
}

function isNumber(node: Node): boolean {
  return typeof node === 'string' && node.trim() !== '' && !Number.isNaN(Number(node));
}

/**
 * Walks the tree as Gnocchi's schema does, collecting the metric references.
 * `metric` and `aggregate` are modelled; Gnocchi's arithmetic, `resample` and
 * `rolling` are not, and come back as invalid input.
 */
function walk(node: Node, refs: Operations['references'], top: boolean): string | undefined {
  if (!Array.isArray(node)) {
    if (!top && isNumber(node)) return undefined;
    throw invalid('expected a list');
  }
  const [head, ...args] = node;
  if (head === 'metric') {
    if (args.length === 0) throw invalid('Operation need at least one argument');
    const pairs = Array.isArray(args[0]) ? args : [args];
    for (const pair of pairs) {
      if (!Array.isArray(pair) || pair.length !== 2 || pair.some((p) => typeof p !== 'string')) throw invalid("'metric' operation invalid");
      const [name, method] = pair as [string, string];
      if (!refs.some((r) => r.name === name && r.method === method)) refs.push({ name, method });
    }
    return undefined;
  }
  if (head === 'aggregate') {
    const [method, sub] = args;
    if (args.length !== 2 || typeof method !== 'string' || !ACROSS_METHODS.includes(method)) throw invalid("'aggregate' operation invalid");
    walk(sub!, refs, false);
    return method;
  }
  throw invalid(`'${typeof head === 'string' ? head : '[...]'}' operation invalid`);
}

/** `operations` as text or as its JSON list form; a Gnocchi 400 when it is not one Gnocchi takes. */
export function parseOperations(value: unknown): Operations {
  let tree: Node;
  if (typeof value === 'string') {
    try {
      tree = nested(value);
    } catch (err) {
      throw new GnocchiHttpError(400, { cause: 'Invalid operations', reason: 'Fail to parse the operations string', detail: (err as Error).message });
    }
  } else if (Array.isArray(value) && isNode(value)) {
    tree = value;
  } else {
    throw invalid('expected a list');
  }
  const references: Operations['references'] = [];
  const aggregate = walk(tree, references, true);
  if (references.length === 0) {
    throw new GnocchiHttpError(400, { cause: 'Operations is invalid', reason: "At least one 'metric' is required", detail: tree });
  }
  return aggregate === undefined ? { references } : { aggregate, references };
}

function isNode(value: unknown): value is Node {
  return typeof value === 'string' || (Array.isArray(value) && value.every(isNode));
}
