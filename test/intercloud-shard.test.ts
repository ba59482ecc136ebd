import t, { type Test } from 'tap';
import { IntercloudSimulator } from '../src/simulator/intercloud/index.js';
import intercloud from '../src/sources/intercloud/index.js';
import { shardOf } from '../src/sources/intercloud/shard.js';
import { find } from './helpers/exposition.js';
import { startSource, type SourceHarness } from './helpers/source-harness.js';

const USED = 'intercloud_group_used_capacity_bytes_per_second';

/** Two replicas of one target, as the sharded StatefulSet runs them: shard 0 and shard 1 of 2, each an exporter of its own. */
async function twoShards(t: Test, sim: IntercloudSimulator, target: Record<string, unknown> = {}): Promise<[SourceHarness, SourceHarness]> {
  const baseUrl = await sim.listen();
  const replica = (index: number) =>
    startSource(t, intercloud, { name: 'ic', baseUrl, shard: { index, count: 2 }, auth: { personalAccessToken: sim.personalAccessToken }, ...target }, sim);
  return [await replica(0), await replica(1)];
}

t.test('two shards together cover every organisation and group exactly once', async (t) => {
  const sim = new IntercloudSimulator({ seed: 11, organisations: 24, depth: 3, groupsPerOrg: [1, 2], regionsPerGroup: 2, nullRate: 0, emptyRate: 0 });
  const shards = await twoShards(t, sim);
  const [a, b] = await Promise.all(shards.map(async (h) => find(await h.samples(), 'intercloud_organisation_info').map((x) => x.labels.organisation_id!)));
  t.ok(a!.length > 0 && b!.length > 0, `both shards have work (${a!.length} / ${b!.length})`);
  t.same(
    [...a!, ...b!].sort(),
    sim
      .organisations()
      .map((o) => o.id)
      .sort(),
    'union is the whole tree, no duplicates',
  );
  t.ok(a!.includes(sim.root.id), 'the own organisation is in shard 0');
  const pairs = (await Promise.all(shards.map(async (h) => find(await h.samples(), USED)))).flat().map((x) => `${x.labels.group_id}|${x.labels.region}`);
  t.equal(pairs.length, sim.groups().length * 2);
  t.equal(new Set(pairs).size, pairs.length, 'each group and region in one shard only');
  t.equal(sim.server.hits(/\/run$/), pairs.length, 'each value queried once across the replicas');
});

t.test('a reseller that cannot be listed keeps its subtree in every shard', async (t) => {
  const sim = new IntercloudSimulator({ seed: 12, organisations: 20, depth: 3, groupsPerOrg: 1, regionsPerGroup: 1, nullRate: 0, emptyRate: 0 });
  const shards = await twoShards(t, sim, { discoveryInterval: '1ms' });
  const below = (id: string): string[] => sim.organisation(id)!.children.flatMap((c) => [c, ...below(c)]);
  const reseller = sim
    .organisations()
    .filter((o) => o !== sim.root)
    .sort((a, b) => below(b.id).length - below(a.id).length)[0]!;
  const subtree = new Set(below(reseller.id));
  const used = async () =>
    (
      await Promise.all(
        shards.map(async (h, shard) =>
          find(await h.samples(), USED)
            .filter((x) => subtree.has(x.labels.organisation_id!))
            .map((x) => `${shard} ${x.labels.group_id}`),
        ),
      )
    )
      .flat()
      .sort();
  const before = await used();
  t.equal(new Set(before.map((x) => x.split(' ')[0])).size, 2, 'the subtree spans both shards');
  sim.failOrganisation(reseller.id, 500);
  await Promise.all(shards.map((h) => h.cycle()));
  t.same(await used(), before, 'kept in both shards');
});

t.test('the shard hash is stable and spreads organisations', async (t) => {
  t.equal(shardOf('2b8214f2-0142-43ed-872d-b39cdf4c1255', 'own', 4), shardOf('2b8214f2-0142-43ed-872d-b39cdf4c1255', 'own', 4));
  t.equal(shardOf('own', 'own', 4), 0);
  t.equal(shardOf('anything', 'own', 1), 0);
  const counts = [0, 0, 0];
  for (let i = 0; i < 300; i++) counts[shardOf(`org-${i}`, 'own', 3)]! += 1;
  t.ok(
    counts.every((c) => c > 70),
    `balanced: ${counts.join('/')}`,
  );
});
