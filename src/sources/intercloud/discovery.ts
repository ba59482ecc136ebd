import { HttpError } from '../../core/http.js';
import { toError } from '../../core/series.js';
import type { Logger } from '../../log.js';
import type { CycleContext } from '../../core/source.js';
import type { Checked, RegionCapacity } from './capacity.js';
import type { ChildRef, Group, IntercloudClient, Organisation } from './client.js';
import { forEachLimit } from './pool.js';
import { shardOf } from './shard.js';

export interface OrgNode {
  id: string;
  name: string;
  parentId: string;
  reseller: boolean;
  depth: number;
  /**
   * Part key of the organisation: the path of ids from the own organisation
   * (`org/<own>/o/<child>/o/<grandchild>`), so that a reseller whose listing
   * fails keeps the series of its whole subtree.
   */
  key: string;
  /** InterCloud-Scope of requests about it; undefined for the own organisation. */
  scope?: string;
}

export interface GroupEntry {
  group: Group;
  /** Names of the group's timeserie metrics: one per region it has data in. */
  regions?: string[];
  regionsError?: Error;
}

type OrgGroups = { groups: GroupEntry[] } | { error: Error };

/** An organisation's capacities as last read, and when: an error is read again at the next cycle. */
export type CapacitiesReading = Checked<RegionCapacity[]> & { readAt: number };

interface Tree {
  ownId: string;
  /** Every organisation found, the own one first, breadth first. */
  orgs: Map<string, OrgNode>;
  /** Resellers whose children could not be listed, retried every cycle. */
  unlisted: Map<string, Error>;
  /** Capacities of the organisations read so far: from the walk for the listed ones, asked for the others. */
  capacities: Map<string, CapacitiesReading>;
  fetchedAt: number;
}

interface Walked {
  beyondMaxDepth: string[];
  duplicates: string[];
}

interface DiscoveryOptions {
  client: IntercloudClient;
  log: Logger;
  intervalMs: number;
  maxDepth: number;
  includeOwnOrganisation: boolean;
  shard: { index: number; count: number };
  /** Discovery requests in flight per fan-out (the HTTP queue holds the real limit). */
  parallel: number;
}

/**
 * The organisation tree, groups and regions, listed every `intervalMs` and
 * kept between: a normal cycle only runs the value queries. What failed is
 * listed again at the next cycle instead of waiting for the next discovery.
 */
export class Discovery {
  private tree?: Tree;
  private readonly groups = new Map<string, OrgGroups>();

  constructor(private readonly opts: DiscoveryOptions) {}

  /**
   * The current view, refreshed as needed. Throws only when there has never
   * been a tree; a failed refresh of the root otherwise keeps the old one and
   * is returned as `error`.
   */
  async current(ctx: CycleContext): Promise<{ tree: Tree; groups: ReadonlyMap<string, OrgGroups>; error?: Error }> {
    let error: Error | undefined;
    if (!this.tree || ctx.startedAt - this.tree.fetchedAt >= this.opts.intervalMs) {
      try {
        this.tree = await this.walk(ctx);
        this.groups.clear();
      } catch (err) {
        if (!this.tree) throw err;
        error = toError(err);
        ctx.log.warn({ err: error.message }, 'InterCloud discovery failed; using the previous organisation tree');
      }
    } else if (this.tree.unlisted.size) {
      await this.relist(this.tree, ctx);
    }
    const tree = this.tree;
    await forEachLimit(this.mine(tree), this.opts.parallel, async (org) => {
      await Promise.all([this.listGroups(org, ctx), this.readCapacities(tree, org, ctx)]);
    });
    return { tree, groups: this.groups, error };
  }

  /** The organisations of this shard. */
  mine(tree: Tree): OrgNode[] {
    const { index, count } = this.opts.shard;
    return [...tree.orgs.values()].filter((o) => shardOf(o.id, tree.ownId, count) === index);
  }

  /** A /run said the group is gone: list the organisation's groups again next cycle. */
  forget(orgId: string): void {
    this.groups.delete(orgId);
  }

  private async walk(ctx: CycleContext): Promise<Tree> {
    const started = Date.now();
    const { client } = this.opts;
    const ownId = await client.ownOrganisationId(ctx);
    const own = await client.organisation(ownId, undefined, ctx);
    const root: OrgNode = { id: own.id, name: own.name, parentId: own.parentId, reseller: own.reseller, depth: 0, key: `org/${own.id}` };
    const tree: Tree = { ownId: own.id, orgs: new Map([[own.id, root]]), unlisted: new Map(), capacities: new Map(), fetchedAt: ctx.startedAt };
    tree.capacities.set(own.id, { ...own.capacities, readAt: ctx.startedAt });
    const walked = await this.expand(tree, [[root, own]], ctx);
    const resellers = [...tree.orgs.values()].filter((o) => o.reseller).length;
    this.opts.log.info(
      { organisations: tree.orgs.size, resellers, unlisted: tree.unlisted.size, ms: Date.now() - started },
      'InterCloud organisation tree discovered',
    );
    this.warnOddities(walked);
    return tree;
  }

  /** Retries the listings of resellers that failed, and walks what they reveal. */
  private async relist(tree: Tree, ctx: CycleContext): Promise<void> {
    const nodes = [...tree.unlisted.keys()].map((id) => tree.orgs.get(id)!);
    tree.unlisted.clear();
    this.warnOddities(await this.expand(tree, await this.list(tree, nodes, ctx), ctx));
  }

  private warnOddities({ beyondMaxDepth, duplicates }: Walked): void {
    if (beyondMaxDepth.length) {
      this.opts.log.warn(
        { resellers: beyondMaxDepth.length, examples: beyondMaxDepth.slice(0, 5), maxDepth: this.opts.maxDepth },
        'InterCloud resellers at maxDepth: their children are not walked',
      );
    }
    if (duplicates.length) {
      // Listed under two parents, or as its own ancestor: walked once, at its first place.
      this.opts.log.warn(
        { organisations: duplicates.length, examples: duplicates.slice(0, 5) },
        'InterCloud organisations seen twice in the tree; kept at their first place',
      );
    }
  }

  /** Adds the children of listed organisations, level by level, down to maxDepth. */
  private async expand(tree: Tree, listed: Array<[OrgNode, Organisation]>, ctx: CycleContext): Promise<Walked> {
    const walked: Walked = { beyondMaxDepth: [], duplicates: [] };
    let level = listed;
    while (level.length) {
      const toList: OrgNode[] = [];
      for (const [parent, org] of level) {
        if (parent.depth >= this.opts.maxDepth) continue;
        for (const child of org.children) {
          if (tree.orgs.has(child.id)) {
            walked.duplicates.push(child.id);
            continue;
          }
          const node = this.add(tree, parent, child);
          if (!node.reseller) continue;
          if (node.depth < this.opts.maxDepth) toList.push(node);
          else walked.beyondMaxDepth.push(node.id);
        }
      }
      level = await this.list(tree, toList, ctx);
    }
    return walked;
  }

  private add(tree: Tree, parent: OrgNode, child: ChildRef): OrgNode {
    const node: OrgNode = {
      id: child.id,
      name: child.name,
      parentId: parent.id,
      reseller: child.reseller || child.childrenCount > 0,
      depth: parent.depth + 1,
      key: `${parent.key}/o/${child.id}`,
      scope: child.id,
    };
    tree.orgs.set(child.id, node);
    return node;
  }

  private async list(tree: Tree, nodes: OrgNode[], ctx: CycleContext): Promise<Array<[OrgNode, Organisation]>> {
    const out: Array<[OrgNode, Organisation]> = [];
    await forEachLimit(nodes, this.opts.parallel, async (node) => {
      try {
        const org = await this.opts.client.organisation(node.id, node.scope, ctx);
        tree.capacities.set(node.id, { ...org.capacities, readAt: ctx.startedAt });
        out.push([node, org]);
      } catch (err) {
        tree.unlisted.set(node.id, toError(err));
        tree.capacities.set(node.id, { error: toError(err), readAt: ctx.startedAt });
      }
    });
    return out;
  }

  /** The capacities of an organisation the walk did not list (or could not read), from GET /organisations/<id>. */
  private async readCapacities(tree: Tree, org: OrgNode, ctx: CycleContext): Promise<void> {
    const known = tree.capacities.get(org.id);
    if (known && ('value' in known || known.readAt === ctx.startedAt)) return;
    try {
      const body = await this.opts.client.organisation(org.id, org.scope, ctx);
      tree.capacities.set(org.id, { ...body.capacities, readAt: ctx.startedAt });
    } catch (err) {
      tree.capacities.set(org.id, { error: toError(err), readAt: ctx.startedAt });
    }
  }

  private async listGroups(org: OrgNode, ctx: CycleContext): Promise<void> {
    if (org.scope === undefined && !this.opts.includeOwnOrganisation) return;
    const known = this.groups.get(org.id);
    if (known && 'groups' in known && !known.groups.some((g) => g.regionsError)) return;
    let entries: GroupEntry[];
    if (known && 'groups' in known) {
      entries = known.groups;
    } else {
      try {
        entries = (await this.opts.client.groups(org.scope, ctx)).map((group) => ({ group }));
      } catch (err) {
        this.groups.set(org.id, { error: toError(err) });
        return;
      }
    }
    const pending = entries.filter((e) => !e.regions);
    await forEachLimit(pending, this.opts.parallel, async (entry) => {
      try {
        const metrics = await this.opts.client.metrics(entry.group.irn, org.scope, ctx);
        entry.regions = metrics.filter((m) => m.type === 'timeserie').map((m) => m.name);
        entry.regionsError = undefined;
      } catch (err) {
        entry.regionsError = toError(err);
      }
    });
    // A group deleted since the listing answers 404: it is gone, not failing.
    const live = entries.filter((e) => !(e.regionsError instanceof HttpError && e.regionsError.status === 404));
    this.groups.set(org.id, { groups: live });
  }
}
