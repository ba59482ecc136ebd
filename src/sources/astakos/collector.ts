import type { StaticTokenProvider } from '../../core/auth/static.js';
import { CycleResult, toError, type Sample } from '../../core/series.js';
import type { Collector, CollectorDeps, CycleContext } from '../../core/source.js';
import type { Logger } from '../../log.js';
import type { AstakosAuth } from './auth.js';
import { AstakosClient, isMissingEndpoint, type Holding, type ProjectQuota, type ResourceDescription } from './client.js';
import type { AstakosTarget } from './config.js';
import { pendingCommissions } from './families.js';
import { IdLookup, settle, type Lookup } from './lookup.js';
import { groupQuotaSamples, resourceSamples } from './samples.js';

/** What one service token read in a cycle: users' holdings and projects' own figures, each with its failed requests. */
interface ServiceAnswer {
  holdings: Lookup<Holding>;
  projects: Lookup<ProjectQuota>;
}

/**
 * Several tokens can see the same quota (the user token and a service token
 * both see the user's own holdings; every member's answer repeats its
 * projects' figures, which `/service_project_quotas` gives too), and a series
 * must belong to exactly one part. So parts are keyed by what the series
 * describe, not by the token or request that read them:
 * `quotas/<component>/holder/<holder>` and `quotas/<component>/project/<project>`,
 * merged from every request that answered. A failed request fails the prefix
 * its token covers: `quotas/<component>` for a service token (its component is
 * learnt from its answers), `quotas` for the user token, whose holder spans all
 * components. A failed prefix keeps only what no other request reported afresh,
 * so a failed chunk of users keeps its own users' series and costs the other
 * chunks nothing. `resources` and `commissions` are parts of their own, so a
 * failing `/commissions` never holds back a quota.
 */
export class AstakosCollector implements Collector {
  private readonly client: AstakosClient;
  private readonly userAuth?: StaticTokenProvider;
  private readonly serviceAuth: StaticTokenProvider[];
  private readonly log: Logger;
  private readonly ids: IdLookup;
  /** Components each service token answered for last time. */
  private readonly serviceComponents: Array<Set<string>>;
  private resourcesCache?: { fetchedAt: number; resources: ResourceDescription[] };
  /** The user token's holder never changes, so it is looked up once. */
  private holder?: string;
  /** When this Astakos was found to have no `/service_project_quotas`; it is asked again after discoveryInterval. */
  private projectsMissingSince?: number;
  /** The configured users last logged as unknown to Astakos, so that the line comes once per change. */
  private unknownUsers = '';

  constructor(
    private readonly target: AstakosTarget,
    deps: CollectorDeps<AstakosAuth>,
  ) {
    this.client = new AstakosClient(deps.http);
    this.userAuth = deps.auth.user;
    this.serviceAuth = deps.auth.services;
    this.log = deps.log;
    this.ids = new IdLookup(deps.log);
    this.serviceComponents = this.serviceAuth.map(() => new Set());
  }

  async collect(ctx: CycleContext): Promise<CycleResult> {
    const result = new CycleResult(ctx);
    const { userAuth } = this;
    const [user, services] = await Promise.all([
      userAuth ? settle(this.userHolder(ctx).then((holder) => this.client.quotas(ctx, userAuth, holder))) : undefined,
      Promise.all(this.serviceAuth.map((auth) => this.serviceAnswer(ctx, auth))),
      result.part('resources', () => this.resources(ctx)),
      this.serviceAuth.length ? result.part('commissions', () => this.commissions(ctx)) : undefined,
    ]);

    const holdings: Holding[] = [...(user?.found ?? [])];
    const projects: ProjectQuota[] = [];
    for (const error of user?.errors ?? []) result.fail('quotas', error);
    services.forEach((answer, i) => {
      holdings.push(...answer.holdings.found);
      projects.push(...answer.projects.found);
      const answered = new Set([...answer.holdings.found, ...answer.projects.found].map((q) => componentOf(q.resource)));
      const errors = [...answer.holdings.errors, ...answer.projects.errors];
      // A partial answer may lack a component the token covers: what it answered before still counts.
      const components = errors.length ? new Set([...this.serviceComponents[i]!, ...answered]) : answered;
      this.serviceComponents[i] = components;
      if (!errors.length) return;
      const error = oneError(errors);
      // A token that never answered has nothing exposed to keep: the error is recorded, nothing else.
      if (!components.size) result.fail(`token/service/${i}`, error);
      for (const component of components) result.fail(`quotas/${encodeURIComponent(component)}`, error);
    });
    this.noteUnknownUsers(services);
    for (const [key, samples] of groupQuotaSamples(holdings, projects, componentOf)) result.ok(key, samples);
    return result;
  }

  private async serviceAnswer(ctx: CycleContext, auth: StaticTokenProvider): Promise<ServiceAnswer> {
    const { users } = this.target;
    const [holdings, projects] = await Promise.all([
      users.length
        ? this.ids.fetch('users', users, (chunk) => this.client.serviceQuotas(ctx, auth, chunk))
        : settle(this.client.serviceQuotas(ctx, auth, []).then((found) => found ?? [])),
      this.projectQuotas(ctx, auth),
    ]);
    return { holdings, projects };
  }

  /**
   * Projects' own figures: of the configured `projects`, else of every project
   * unless `users` narrows the target. An Astakos without the endpoint (the
   * draft API, Synnefo before projects became resource pools) is noted, not failed: its members' answers
   * are then the only source of project figures.
   */
  private async projectQuotas(ctx: CycleContext, auth: StaticTokenProvider): Promise<Lookup<ProjectQuota>> {
    const { users, projects } = this.target;
    const none = { found: [], errors: [] };
    if (!projects.length && users.length) return none;
    if (this.projectsMissingSince !== undefined && ctx.startedAt - this.projectsMissingSince < this.target.discoveryInterval) return none;
    const lookup = projects.length
      ? await this.ids.fetch('projects', projects, (chunk) => this.client.serviceProjectQuotas(ctx, auth, chunk))
      : await settle(this.client.serviceProjectQuotas(ctx, auth, []).then((found) => found ?? []));
    const missing = lookup.errors.find(isMissingEndpoint);
    if (!missing) {
      this.projectsMissingSince = undefined;
      return lookup;
    }
    if (this.projectsMissingSince === undefined) {
      const why = `Astakos has no /service_project_quotas (the draft API, or a Synnefo before projects became resource pools): project figures come only with the members' quotas; asked again in ${this.target.discoveryInterval / 1000}s`;
      if (projects.length)
        this.log.warn({ err: missing, projects: projects.length }, `${why}, and the configured projects without visible members are not exposed`);
      else this.log.info({ err: missing }, why);
    }
    this.projectsMissingSince = ctx.startedAt;
    return { found: lookup.found, errors: lookup.errors.filter((e) => !isMissingEndpoint(e)) };
  }

  /** Configured users that no service token's complete answer holds: Astakos does not know them, or they are not verified. */
  private noteUnknownUsers(services: ServiceAnswer[]): void {
    const complete = services.filter((s) => !s.holdings.errors.length);
    if (!this.target.users.length || !complete.length) return;
    const seen = new Set(complete.flatMap((s) => s.holdings.found.map((h) => h.holder)));
    const unknown = this.target.users.filter((u) => !seen.has(u));
    const key = unknown.join(',');
    if (key === this.unknownUsers) return;
    this.unknownUsers = key;
    if (unknown.length) {
      this.log.info(
        { unknown: unknown.length, first: unknown.slice(0, 5) },
        'configured users that Astakos does not know (absent or not verified): no series for them',
      );
    }
  }

  private async resources(ctx: CycleContext): Promise<Sample[]> {
    const cached = this.resourcesCache;
    if (cached && ctx.startedAt - cached.fetchedAt < this.target.discoveryInterval) return resourceSamples(cached.resources);
    const resources = await this.client.resources(ctx);
    this.resourcesCache = { fetchedAt: ctx.startedAt, resources };
    return resourceSamples(resources);
  }

  private async userHolder(ctx: CycleContext): Promise<string> {
    if (this.holder === undefined) {
      const url = identityUrl(this.target);
      const user = url ? await this.client.tokenUser(ctx, url, this.target.auth.token) : undefined;
      this.holder = user ?? this.target.holder;
    }
    return this.holder;
  }

  /** Each component sees only the commissions it issued: the target's figure is their sum over all tokens. */
  private async commissions(ctx: CycleContext): Promise<Sample[]> {
    const counts = await Promise.all(this.serviceAuth.map((auth) => this.client.pendingCommissions(ctx, auth)));
    return [
      pendingCommissions.sample(
        {},
        counts.reduce((a, b) => a + b, 0),
      ),
    ];
  }
}

/** A token's failed requests as one error: the first one's message, and how many more there were. */
function oneError(errors: unknown[]): unknown {
  if (errors.length === 1) return errors[0];
  const first = toError(errors[0]);
  const more = errors.length - 1;
  return new Error(`${first.message} (and ${more} more failed request${more === 1 ? '' : 's'} of the same token)`, { cause: first });
}

/** Astakos names every resource `<component>.<name>` (`cyclades.vm`, `pithos.diskspace`). */
function componentOf(resource: string): string {
  return resource.split('.')[0]!;
}

/** Released Synnefo serves `/identity/v2.0` beside `/account/v1.0`; the early draft API has no identity service. */
export function identityUrl(target: Pick<AstakosTarget, 'identityUrl' | 'baseUrl'>): string | undefined {
  if (target.identityUrl) return target.identityUrl;
  const base = target.baseUrl.replace(/\/+$/, '');
  return base.endsWith('/account/v1.0') ? `${base.slice(0, -'/account/v1.0'.length)}/identity/v2.0` : undefined;
}
