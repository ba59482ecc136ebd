import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import ixapi from '../src/sources/ixapi/index.js';
import { simulator, targetFor, type Flow } from './helpers/ixapi-setup.js';
import { startSource } from './helpers/source-harness.js';

for (const flow of ['oauth2', 'key-secret'] as Flow[]) {
  t.test(`${flow}: no cloud key, credential or token anywhere in /metrics, the landing page or the log`, async (t) => {
    const sim = await simulator(t, { services: 10, accessTtlSeconds: 1 });
    const h = await startSource(t, ixapi, targetFor(sim, {}, flow), sim);
    const cloudKeys = [...sim.services.values()].flatMap((s) => (s.cloudKey ? [s.cloudKey] : []));
    t.ok(cloudKeys.length >= 5, 'the world has cloud keys of every provider');
    await sleep(1_050);
    await h.cycle();
    sim.revokeAccessTokens();
    sim.tick();
    await h.cycle();
    // A failing cycle too: error messages must not carry credentials either.
    sim.server.faults.failPaths = [{ pattern: /connections/, status: 500 }];
    await h.cycle();
    const s = await h.scrape();
    t.ok(sim.stats.oauthTokens + sim.stats.logins + sim.stats.refreshes >= 3, 'several tokens were issued');
    t.ok(s.text.includes('ixapi_network_service_info'), 'the output has IX-API series');
    const landing = await (await request(`${h.exporter.url}/`)).body.text();
    const secrets = sim.secrets();
    t.ok(secrets.length >= cloudKeys.length + 4 + 3);
    for (const secret of secrets) {
      t.notOk(s.text.includes(secret), `/metrics does not contain ${secret.slice(0, 4)}…`);
      t.notOk(landing.includes(secret), `landing page does not contain ${secret.slice(0, 4)}…`);
      t.notOk(h.logText().includes(secret), `log does not contain ${secret.slice(0, 4)}…`);
    }
  });
}
