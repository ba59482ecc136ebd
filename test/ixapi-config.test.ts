import t from 'tap';
import { loadConfigFile, parseConfig } from '../src/config/load.js';
import ixapi from '../src/sources/ixapi/index.js';

// Which files load and which are refused, with what: test/config/testdata/ixapi/. Here: what they load as.

const load = (file: string) => loadConfigFile(`test/config/testdata/ixapi/${file}`, [ixapi], { env: {} }).targets.map((x) => x.config);

t.test('defaults: every service type, pages of 100, no external_ref, one minute, four requests at a time', async (t) => {
  const [target] = load('oauth2.ok.json');
  t.match(target, {
    name: 'ix',
    interval: 60_000,
    concurrency: 4,
    networkServiceTypes: [],
    pageLimit: 100,
    labels: { externalRef: false },
    auth: { clientAuth: 'body', scope: '', apiKey: '', apiSecret: '' },
  });
});

t.test('secrets read from their files, without the trailing newline', async (t) => {
  const [target] = load('key-secret-files.ok.json');
  t.match(target?.auth, { apiKey: 'ixapi-key-from-a-mounted-secret', apiSecret: 'ixapi-secret-from-a-mounted-secret' });
});

t.test('every key as written', async (t) => {
  const [interxion, decix] = load('every-key.ok.json');
  t.match(interxion, {
    interval: 120_000,
    timeout: 20_000,
    cycleTimeout: 90_000,
    networkServiceTypes: ['cloud_vc', 'p2p_vc'],
    pageLimit: 0,
    labels: { externalRef: true },
    auth: { clientAuth: 'basic', scope: 'resource.ixapi' },
  });
  t.match(decix, { pageLimit: 500, labels: { externalRef: false } });
});

t.test('the info family carries external_ref only for a target with labels.externalRef', async (t) => {
  const infoLabels = (labels: Record<string, unknown>) => {
    const target = parseConfig({ ixapi: [{ baseUrl: 'https://ix.example/api/v2', auth: { apiKey: 'k', apiSecret: 's' }, labels }] }, [ixapi], { env: {} })
      .targets[0]!.config;
    return ixapi.families(target).find((f) => f.name === 'ixapi_network_service_info')!.labelNames;
  };
  t.notOk(infoLabels({}).includes('external_ref'));
  t.ok(infoLabels({ externalRef: true }).includes('external_ref'));
  const [withRef] = load('every-key.ok.json');
  t.equal(new Set(ixapi.families(withRef!).map((f) => f.name)).size, ixapi.families(withRef!).length, 'one family per name');
});
