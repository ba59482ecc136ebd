/**
 * Upstream attempts counted by route and code in plain numbers, handed to
 * prom-client's counter when it is read. A prom-client child builds and
 * looks up its label key on every `inc`: at tens of thousands of requests a
 * cycle, that cost more than the rest of a request's own bookkeeping.
 */
export class RequestTally {
  /** Counts not yet handed over, by route, then by code. */
  private pending = new Map<string, Map<string, number>>();

  count(route: string, code: string): void {
    let codes = this.pending.get(route);
    if (!codes) this.pending.set(route, (codes = new Map<string, number>()));
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }

  /** Hands every count so far to `add` once, and forgets them. */
  drain(add: (route: string, code: string, n: number) => void): void {
    const pending = this.pending;
    if (pending.size === 0) return;
    this.pending = new Map();
    for (const [route, codes] of pending) for (const [code, n] of codes) add(route, code, n);
  }
}
