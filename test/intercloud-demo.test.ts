import t from 'tap';
import { demos } from '../src/simulator/demos.js';
import intercloud from '../src/sources/intercloud/index.js';
import { find } from './helpers/exposition.js';
import { captureLogger } from './helpers/log.js';
import { startSource } from './helpers/source-harness.js';

t.test('demo(): a nested simulator on loopback that the exporter scrapes', async (t) => {
  const demo = await demos.intercloud!({ seed: 42, log: captureLogger().log, faults: {} });
  t.match(demo.target.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  const h = await startSource(t, intercloud, demo.target, demo);
  const s = await h.samples();
  const orgs = find(s, 'intercloud_organisation_info', { target: 'intercloud-demo' });
  t.ok(orgs.length >= 30, `${orgs.length} organisations`);
  const ids = new Set(orgs.map((o) => o.labels.organisation_id));
  const grandchildren = orgs.filter(
    (o) => ids.has(o.labels.parent_id) && orgs.some((p) => p.labels.organisation_id === o.labels.parent_id && ids.has(p.labels.parent_id)),
  );
  t.ok(grandchildren.length > 0, 'nested resellers');
  t.ok(find(s, 'intercloud_group_used_capacity_bytes_per_second').length > 50, 'capacity series');
  const used = new Map<string, number>();
  for (const u of find(s, 'intercloud_group_used_capacity_bytes_per_second')) used.set(u.labels.group_id!, (used.get(u.labels.group_id!) ?? 0) + u.value);
  const ratios = find(s, 'intercloud_group_allocated_capacity_bytes_per_second').flatMap((a) =>
    used.has(a.labels.group_id!) ? [used.get(a.labels.group_id!)! / a.value] : [],
  );
  t.ok(
    ratios.filter((r) => r < 1).length >= 5,
    `groups using part of their allocated capacity (used / allocated: ${ratios.map((r) => r.toFixed(2)).join(' ')})`,
  );
  t.ok(find(s, 'intercloud_organisation_capacity_bytes_per_second').length >= 10, 'organisations with capacities');
  t.equal(find(s, 'capacity_exporter_collect_success', { source: 'intercloud' })[0]!.value, 1);
});
