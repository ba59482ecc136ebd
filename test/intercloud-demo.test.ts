import t from 'tap';
import { demos } from '../src/simulator/demos.js';
import { find, scrape } from './helpers/exposition.js';
import { registry } from './helpers/intercloud-harness.js';
import { captureLogger } from './helpers/log.js';
import { startReadyExporter } from './helpers/start.js';

t.test('demo(): a nested simulator on loopback that the exporter scrapes', async (t) => {
  const demo = await demos.intercloud!({ seed: 42, log: captureLogger().log, faults: {} });
  t.match(demo.target.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  const { exporter } = await startReadyExporter(t, { intercloud: [demo.target] }, registry, demo);
  const s = (await scrape(exporter.url)).samples;
  const orgs = find(s, 'intercloud_organisation_info', { target: 'intercloud-demo' });
  t.ok(orgs.length >= 30, `${orgs.length} organisations`);
  const ids = new Set(orgs.map((o) => o.labels.organisation_id));
  const grandchildren = orgs.filter((o) => ids.has(o.labels.parent_id!) && orgs.some((p) => p.labels.organisation_id === o.labels.parent_id && ids.has(p.labels.parent_id!)));
  t.ok(grandchildren.length > 0, 'nested resellers');
  t.ok(find(s, 'intercloud_group_used_capacity_bytes_per_second').length > 50, 'capacity series');
  t.equal(find(s, 'capacity_exporter_collect_success', { source: 'intercloud' })[0]!.value, 1);
});
