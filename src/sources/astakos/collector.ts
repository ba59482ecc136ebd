import type { StaticTokenProvider } from '../../core/auth/static.js';
import { CycleResult, type Sample } from '../../core/series.js';
import type { Collector, CollectorDeps, CycleContext } from '../../core/source.js';
import type { AstakosAuth } from './auth.js';
import { AstakosClient, type Holding, type ResourceDescription } from './client.js';
import type { AstakosTarget } from './config.js';
import { pendingCommissions } from './families.js';
import { groupQuotaSamples, resourceSamples } from './samples.js';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Several tokens can see the same quota (the user token and a service token
 * both see the user's own holdings; every member's answer repeats its
 * projects' figures), and a series must belong to exactly one part. So parts
 * are keyed by what the series describe, not by the token that read them:
 * `quotas/<component>/holder/<holder>` and `quotas/<component>/project/<project>`,
 * merged from every token that answered. A failed token fails the prefix it
 * covers: `quotas/<component>` for a service token (its component is learnt
 * from its last answer), `quotas` for the user token, whose holder spans all
 * components. A failed prefix keeps only what no other token reported afresh.
 * `resources` and `commissions` are parts of their own, so a failing
 * `/commissions` never holds back a quota.
 */
export class AstakosCollector implements Collector {
  private readonly client: AstakosClient;
  private readonly userAuth?: StaticTokenProvider;
  private readonly serviceAuth: StaticTokenProvider[];
  /** Components each service token answered for last time. */
  private readonly serviceComponents: Array<Set<string>>;
  private resourcesCache?: { fetchedAt: number; resources: ResourceDescription[] };
  /** The user token's holder never changes, so it is looked up once. */
  private holder?: string;

  constructor(
    private readonly target: AstakosTarget,
    deps: CollectorDeps<AstakosAuth>,
  ) {
    this.client = new AstakosClient(deps.http);
    this.userAuth = deps.auth.user;
    this.serviceAuth = deps.auth.services;
    this.serviceComponents = this.serviceAuth.map(() => new Set());
  }

  async collect(ctx: CycleContext): Promise<CycleResult> {
    const result = new CycleResult(ctx);
    const { userAuth } = this;
    const [user, services] = await Promise.all([
      userAuth ? settle(this.userHolder(ctx).then((holder) => this.client.quotas(ctx, userAuth, holder))) : undefined,
      Promise.all(this.serviceAuth.map((auth) => settle(this.serviceQuotas(ctx, auth)))),
      result.part('resources', () => this.resources(ctx)),
      this.serviceAuth.length ? result.part('commissions', () => this.commissions(ctx)) : undefined,
    ]);

    const answered: Holding[][] = [];
    if (user?.ok) answered.push(user.value);
    else if (user) result.fail('quotas', user.error);
    services.forEach((outcome, i) => {
      if (outcome.ok) {
        this.serviceComponents[i] = new Set(outcome.value.map((h) => componentOf(h.resource)));
        answered.push(outcome.value);
      } else if (this.serviceComponents[i]!.size) {
        for (const component of this.serviceComponents[i]!) result.fail(`quotas/${encodeURIComponent(component)}`, outcome.error);
      } else {
        // Nothing of it was ever exposed: the error is recorded, nothing else is kept.
        result.fail(`token/service/${i}`, outcome.error);
      }
    });
    for (const [key, samples] of groupQuotaSamples(answered.flat(), componentOf)) result.ok(key, samples);
    return result;
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

  /** A long `users` list is asked for in chunks, so that no URL grows past what proxies accept. */
  private async serviceQuotas(ctx: CycleContext, auth: StaticTokenProvider): Promise<Holding[]> {
    const { users } = this.target;
    if (!users.length) return this.client.serviceQuotas(ctx, auth, []);
    const chunks: string[][] = [];
    for (let i = 0; i < users.length; i += USERS_PER_REQUEST) chunks.push(users.slice(i, i + USERS_PER_REQUEST));
    return (await Promise.all(chunks.map((chunk) => this.client.serviceQuotas(ctx, auth, chunk)))).flat();
  }

  /** Each component sees only the commissions it issued: the target's figure is their sum over all tokens. */
  private async commissions(ctx: CycleContext): Promise<Sample[]> {
    const counts = await Promise.all(this.serviceAuth.map((auth) => this.client.pendingCommissions(ctx, auth)));
    return [pendingCommissions.sample({}, counts.reduce((a, b) => a + b, 0))];
  }
}

const USERS_PER_REQUEST = 100;

/** Astakos names every resource `<component>.<name>` (`cyclades.vm`, `pithos.diskspace`). */
function componentOf(resource: string): string {
  return resource.split('.')[0]!;
}

async function settle<T>(promise: Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Released Synnefo serves `/identity/v2.0` beside `/account/v1.0`; the early draft API has no identity service. */
export function identityUrl(target: Pick<AstakosTarget, 'identityUrl' | 'baseUrl'>): string | undefined {
  if (target.identityUrl) return target.identityUrl;
  const base = target.baseUrl.replace(/\/+$/, '');
  return base.endsWith('/account/v1.0') ? `${base.slice(0, -'/account/v1.0'.length)}/identity/v2.0` : undefined;
}
