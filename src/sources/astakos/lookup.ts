import type { Logger } from '../../log.js';

/** Ids per request: a hundred uuids keep the URL under what proxies accept. */
const IDS_PER_REQUEST = 100;

/** One filtered request: its answer, or undefined when Astakos knows none of `ids` (404 itemNotFound). */
export type AskIds<T> = (ids: string[]) => Promise<T[] | undefined>;

/** What the requests of a lookup found, and the errors of those that failed: one failed chunk costs the others nothing. */
export interface Lookup<T> {
  found: T[];
  errors: unknown[];
}

function merge<T>(lookups: ReadonlyArray<Lookup<T>>): Lookup<T> {
  return { found: lookups.flatMap((l) => l.found), errors: lookups.flatMap((l) => l.errors) };
}

/** One request that either answers or fails, as a lookup. */
export async function settle<T>(request: Promise<T[]>): Promise<Lookup<T>> {
  try {
    return { found: await request, errors: [] };
  } catch (error) {
    return { found: [], errors: [error] };
  }
}

/**
 * Asks a filtered endpoint (`?user=a,b`, `?project=a,b`) for a list of ids in
 * chunks. Current Synnefo splits the list and answers 404 itemNotFound only
 * when it knows none of the ids; older releases read the whole value as one
 * uuid, so any list comes back 404 (grnet/synnefo
 * `snf-astakos-app/astakos/api/quotas.py`, both generations). A list answered 404 is therefore
 * asked id by id until the server has shown which kind it is; once it has
 * answered a single id but not a list, every id is asked alone.
 * One instance per target: users and projects share the server's behaviour.
 */
export class IdLookup {
  /** Whether the server reads comma lists; undefined until one of its answers tells. */
  private lists: boolean | undefined;

  constructor(private readonly log: Logger) {}

  async fetch<T>(what: 'users' | 'projects', ids: readonly string[], ask: AskIds<T>): Promise<Lookup<T>> {
    const size = this.lists === false ? 1 : IDS_PER_REQUEST;
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += size) chunks.push(ids.slice(i, i + size));
    const all = async (list: string[][]) => merge(await Promise.all(list.map((chunk) => this.chunk(what, chunk, ask))));
    if (this.lists !== undefined || chunks.length < 2) return all(chunks);
    // The first chunk goes alone, so that the server has shown how it reads lists before the others' 404s are read.
    const first = await this.chunk(what, chunks[0]!, ask);
    return merge([first, await all(chunks.slice(1))]);
  }

  private async chunk<T>(what: 'users' | 'projects', chunk: string[], ask: AskIds<T>): Promise<Lookup<T>> {
    let found: T[] | undefined;
    try {
      found = await ask(chunk);
    } catch (error) {
      return { found: [], errors: [error] };
    }
    if (found !== undefined) {
      if (chunk.length > 1) this.lists = true;
      return { found, errors: [] };
    }
    if (chunk.length === 1 || this.lists) {
      this.log.debug({ [what]: chunk.length, first: chunk[0] }, `Astakos knows none of these ${what} (404 itemNotFound): no series for them`);
      return { found: [], errors: [] };
    }
    const each = await Promise.all(chunk.map((id) => this.chunk(what, [id], ask)));
    if (each.some((answer) => answer.found.length) && this.lists !== false) {
      this.lists = false;
      this.log.info(
        `Astakos answered a list of ${what} 404 but knows some of them alone: it reads the filter as one uuid (an older Synnefo), so they are asked one uuid at a time`,
      );
    }
    return merge(each);
  }
}
