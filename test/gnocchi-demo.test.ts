import t from 'tap';
import { demos } from '../src/simulator/demos.js';
import gnocchi from '../src/sources/gnocchi/index.js';
import { find } from './helpers/exposition.js';
import { captureLogger } from './helpers/log.js';
import { startSource } from './helpers/source-harness.js';

t.test('the demo target is a valid config that yields Gnocchi series through the exporter', async (t) => {
  const { log } = captureLogger();
  const demo = await demos.gnocchi!({ seed: 42, log, faults: {} });
  const h = await startSource(t, gnocchi, demo.target, demo);
  t.same(h.errors(), []);
  const { samples, text } = await h.scrape();
  const vcpus = find(samples, 'gnocchi_provisioned_vcpus', { target: 'vhi' });
  t.equal(vcpus.length, 5, 'one series per demo project');
  t.ok(vcpus.every((s) => s.value > 0 && /^[0-9a-f]{32}$/.test(s.labels.project_id!)));
  t.equal(find(samples, 'gnocchi_provisioned_vcpus_timestamp_seconds').length, 5);
  t.match(
    text,
    /# HELP gnocchi_provisioned_vcpus Gnocchi \(aggregate sum \(metric vcpus mean\)\) over instance per project_id: sum of the latest value of each live instance within 1h\. /,
  );
  t.match(text, /# TYPE gnocchi_provisioned_vcpus gauge/);
  t.equal(find(samples, 'capacity_exporter_collect_success', { source: 'gnocchi', target: 'vhi' })[0]?.value, 1);
});
