import t from 'tap';
import { ConfigError, parseConfig } from '../src/config/load.js';
import { IntercloudSimulator } from '../src/simulator/intercloud/index.js';
import { shardOf } from '../src/sources/intercloud/shard.js';
import { scrape } from './helpers/exposition.js';
import { registry, values } from './helpers/intercloud-harness.js';
import { startReadyExporter } from './helpers/start.js';

t.test('two shards together cover every organisation and group exactly once', async (t) => {
  const sim = new IntercloudSimulator({ seed: 11, organisations: 24, depth: 3, groupsPerOrg: [1, 2], regionsPerGroup: 2, nullRate: 0, emptyRate: 0 });
  const baseUrl = await sim.listen();
  const target = (index: number) => ({
    name: `ic${index}`,
    baseUrl,
    interval: '1h',
    shard: { index, count: 2 },
    auth: { personalAccessToken: sim.personalAccessToken },
  });
  const { exporter } = await startReadyExporter(t, { intercloud: [target(0), target(1)] }, registry, sim);
  const s = (await scrape(exporter.url)).samples;
  const orgsOf = (name: string) => values(s, 'intercloud_organisation_info', { target: name }).map((x) => x.labels.organisation_id!);
  const [a, b] = [orgsOf('ic0'), orgsOf('ic1')];
  t.ok(a.length > 0 && b.length > 0, `both shards have work (${a.length} / ${b.length})`);
  t.same([...a, ...b].sort(), sim.organisations().map((o) => o.id).sort(), 'union is the whole tree, no duplicates');
  t.ok(a.includes(sim.root.id), 'the own organisation is in shard 0');
  const pairs = values(s, 'intercloud_group_used_capacity_bytes_per_second').map((x) => `${x.labels.group_id}|${x.labels.region}`);
  t.equal(pairs.length, sim.groups().length * 2);
  t.equal(new Set(pairs).size, pairs.length, 'each group and region in one shard only');
  t.equal(sim.server.hits(/\/run$/), pairs.length, 'each value queried once across the replicas');
});

t.test('a reseller that cannot be listed keeps its subtree in every shard', async (t) => {
  const sim = new IntercloudSimulator({ seed: 12, organisations: 20, depth: 3, groupsPerOrg: 1, regionsPerGroup: 1, nullRate: 0, emptyRate: 0 });
  const baseUrl = await sim.listen();
  const target = (index: number) => ({
    name: `ic${index}`,
    baseUrl,
    interval: '1h',
    discoveryInterval: '1ms',
    shard: { index, count: 2 },
    auth: { personalAccessToken: sim.personalAccessToken },
  });
  const { exporter } = await startReadyExporter(t, { intercloud: [target(0), target(1)] }, registry, sim);
  const below = (id: string): string[] => sim.organisation(id)!.children.flatMap((c) => [c, ...below(c)]);
  const reseller = sim.organisations().filter((o) => o !== sim.root).sort((a, b) => below(b.id).length - below(a.id).length)[0]!;
  const subtree = new Set(below(reseller.id));
  const used = async () =>
    values((await scrape(exporter.url)).samples, 'intercloud_group_used_capacity_bytes_per_second')
      .filter((x) => subtree.has(x.labels.organisation_id!))
      .map((x) => `${x.labels.target} ${x.labels.group_id}`)
      .sort();
  const before = await used();
  t.ok(new Set(before.map((x) => x.split(' ')[0])).size === 2, 'the subtree spans both shards');
  sim.failOrganisation(reseller.id, 500);
  await exporter.runCycle('intercloud', 'ic0');
  await exporter.runCycle('intercloud', 'ic1');
  t.same(await used(), before, 'kept in both shards');
});

t.test('the shard hash is stable and spreads organisations', async (t) => {
  t.equal(shardOf('2b8214f2-0142-43ed-872d-b39cdf4c1255', 'own', 4), shardOf('2b8214f2-0142-43ed-872d-b39cdf4c1255', 'own', 4));
  t.equal(shardOf('own', 'own', 4), 0);
  t.equal(shardOf('anything', 'own', 1), 0);
  const counts = [0, 0, 0];
  for (let i = 0; i < 300; i++) counts[shardOf(`org-${i}`, 'own', 3)]! += 1;
  t.ok(counts.every((c) => c > 70), `balanced: ${counts.join('/')}`);
});

t.test('shard.index must be below shard.count', async (t) => {
  let problems: string[] = [];
  try {
    parseConfig({ intercloud: [{ baseUrl: 'http://127.0.0.1:1', shard: { index: 2, count: 2 }, auth: { personalAccessToken: 'abcd' } }] }, registry, { env: {} });
  } catch (err) {
    t.type(err, ConfigError);
    problems = (err as ConfigError).problems;
  }
  t.match(problems, [/^intercloud\[0\]\.shard\.index: must be below shard\.count \(2\)/]);
});
