import { HttpError } from '../../core/http.js';

/** Causes for which one metric's archive policy makes Gnocchi refuse a whole grouped query. */
const WHOLE_QUERY: Record<string, string> = {
  'Metrics with unknown aggregation': 'the archive policy of at least one metric searched lacks this aggregation method',
  "Metrics can't being aggregated": 'the metrics searched do not share this granularity (or never overlap)',
};

/** What to do about the other causes. */
const HINTS: Record<string, string> = {
  'Resource type does not exist': 'set resourceType to a resource type of this Gnocchi',
  'Invalid operations': "fix the query's operations",
};

/** Gnocchi 4.4 takes only a number, null or dropna for fill; the forward and backward fills came with 4.5. */
const FILL_HINT = 'this Gnocchi takes a number, null or dropna for fill; ffill, bfill, full_ffill and full_bfill need Gnocchi 4.5 or later';

/**
 * Gnocchi's error envelope is `{"code", "title", "description"}`, the
 * description a string or `{"cause", "reason", "detail"}`. With groupby, one
 * group's bad metric fails the whole request: the message names the query,
 * Gnocchi's cause and what to look at, so the operator need not guess which
 * of several queries broke and why.
 */
export function explainGnocchiError(err: unknown, query: string): Error {
  const base = err instanceof Error ? err : new Error(String(err));
  const wrapped = (message: string) => Object.assign(new Error(`query ${query}: ${message}`, { cause: err }), { name: 'GnocchiError' });
  if (!(err instanceof HttpError)) return wrapped(base.message);
  const description = typeof err.body === 'object' && err.body !== null ? (err.body as { description?: unknown }).description : undefined;
  if (typeof description === 'string' && description) return wrapped(`${err.route}: HTTP ${err.status}: ${description}`);
  if (typeof description !== 'object' || description === null) return wrapped(base.message);
  const { cause, reason, detail } = description as { cause?: unknown; reason?: unknown; detail?: unknown };
  const what = [cause, reason].filter((x) => typeof x === 'string' && x).join(': ');
  const shown = detail === undefined ? '' : ` (${JSON.stringify(detail).slice(0, 300)})`;
  const whole = typeof cause === 'string' ? WHOLE_QUERY[cause] : undefined;
  const hint = whole
    ? `${whole}, and Gnocchi fails the whole query for it`
    : cause === 'Argument value error' && detail === 'fill'
      ? FILL_HINT
      : typeof cause === 'string'
        ? HINTS[cause]
        : undefined;
  return wrapped(`${err.route}: HTTP ${err.status}: ${what || 'error'}${shown}${hint ? `; ${hint}` : ''}`);
}
