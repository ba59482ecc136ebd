import type { HttpClient } from '../../core/http.js';
import type { RequestScope } from '../../core/source.js';
import type { GnocchiAuth } from './auth.js';
import type { Query } from './config.js';
import type { Search } from './search.js';
import { parseGnocchiJson, readAggregates, type Series } from './parse.js';

export interface AggregatesRequest {
  query: Query;
  groupBy: string[];
  search: Search | undefined;
  /** Unix ms. */
  start: number;
  stop: number;
}

/** Gnocchi's root: the configured baseUrl, or the catalog's metric endpoint, without a trailing `/v1`. */
function gnocchiRoot(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/v1$/, '');
}

export class GnocchiClient {
  constructor(
    private readonly http: HttpClient,
    private readonly auth: GnocchiAuth,
  ) {}

  /** `POST /v1/aggregates`: one series per group (one series with an empty group without groupby). */
  async aggregates(req: AggregatesRequest, scope: RequestScope): Promise<Series[]> {
    const { query } = req;
    // No search at all makes Gnocchi 4.4 fail on the request and drop the connection; {} matches every resource.
    const body = { operations: query.operations, resource_type: query.resourceType, search: req.search ?? {} };
    const res = await this.http.request({
      method: 'POST',
      url: `${gnocchiRoot(await this.auth.endpoint(scope))}/v1/aggregates`,
      route: '/v1/aggregates',
      query: {
        details: 'false',
        start: new Date(req.start).toISOString(),
        stop: new Date(req.stop).toISOString(),
        granularity: query.granularitySeconds,
        needed_overlap: query.neededOverlap,
        fill: query.fill,
        groupby: req.groupBy.length ? req.groupBy : undefined,
      },
      json: body,
      auth: this.auth.provider,
      signal: scope.signal,
      deadline: scope.deadline,
      parse: parseGnocchiJson,
    });
    return readAggregates(res.data, req.groupBy.length > 0);
  }
}
