import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { startIxapi, type Flow } from './helpers/ixapi-setup.js';

for (const flow of ['oauth2', 'key-secret'] as Flow[]) {
  t.test(`${flow}: no cloud key, credential or token anywhere in /metrics, the landing page or the log`, async (t) => {
    const { sim, cycle, exporter, logText } = await startIxapi(t, { flow, sim: { services: 10, accessTtlSeconds: 1 } });
    const cloudKeys = [...sim.services.values()].flatMap((s) => (s.cloudKey ? [s.cloudKey] : []));
    t.ok(cloudKeys.length >= 5, 'the world has cloud keys of every provider');
    await sleep(1_050);
    await cycle();
    sim.revokeAccessTokens();
    sim.tick();
    await cycle();
    // A failing cycle too: error messages must not carry credentials either.
    sim.server.faults.failPaths = [{ pattern: /connections/, status: 500 }];
    const s = await cycle();
    t.ok(sim.stats.oauthTokens + sim.stats.logins + sim.stats.refreshes >= 3, 'several tokens were issued');
    t.ok(s.text.includes('ixapi_network_service_info'), 'the output has IX-API series');
    const landing = await (await request(`${exporter.url}/`)).body.text();
    const secrets = sim.secrets();
    t.ok(secrets.length >= cloudKeys.length + 4 + 3);
    for (const secret of secrets) {
      t.notOk(s.text.includes(secret), `/metrics does not contain ${secret.slice(0, 4)}…`);
      t.notOk(landing.includes(secret), `landing page does not contain ${secret.slice(0, 4)}…`);
      t.notOk(logText().includes(secret), `log does not contain ${secret.slice(0, 4)}…`);
    }
  });
}
