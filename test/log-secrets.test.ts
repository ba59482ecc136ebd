import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeUpstream, FAKE_TOKEN, fakeSource } from './helpers/fake-source.js';
import { captureLogger } from './helpers/log.js';
import { scrape } from './helpers/exposition.js';
import { startTestExporter } from './helpers/start.js';
import { setTimeout as delay } from 'node:timers/promises';

t.test('a full cycle with secrets configured logs none of them', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sec-'));
  const wrongToken = 'wrong-but-secret-token-4711';
  const scrapeToken = 'scrape-bearer-secret-0815';
  const basicPassword = 'basic-password-secret-42';
  writeFileSync(join(dir, 'token'), `${FAKE_TOKEN}\n`);
  const up = new FakeUpstream(2);
  const url = await up.listen();
  const { log, text } = captureLogger('trace');
  const { exporter } = await startTestExporter(
    {
      server: { auth: { bearerToken: scrapeToken, basic: { username: 'u', password: basicPassword } } },
      fake: [
        { name: 'good', baseUrl: url, retries: 1, auth: { tokenFile: join(dir, 'token') } },
        { name: 'refused', baseUrl: url, retries: 1, auth: { token: wrongToken } },
      ],
    },
    [fakeSource],
    { log },
  );
  t.teardown(async () => {
    await exporter.close();
    await up.close();
  });
  up.sim.faults.failPaths = [{ pattern: /^\/items\/2$/, status: 503 }];
  await exporter.ready();
  await exporter.runCycle('fake', 'good');
  const s = await scrape(exporter.url, { authorization: `Bearer ${scrapeToken}` });
  t.equal(s.status, 200);
  log.info({ auth: { token: FAKE_TOKEN, password: basicPassword }, headers: { authorization: `Bearer ${wrongToken}` } }, 'structured fields');
  log.error(new Error(`upstream said: token ${wrongToken} is invalid`), 'free text');
  await delay(50);

  const out = text();
  t.match(out, /collection cycle failed/, 'the refused target was logged');
  t.match(out, /\[REDACTED\]/, 'secrets were masked, not merely absent');
  for (const secret of [FAKE_TOKEN, wrongToken, scrapeToken, basicPassword]) {
    t.notOk(out.includes(secret), `log does not contain ${secret.slice(0, 6)}…`);
  }
  t.notOk(s.text.includes(FAKE_TOKEN) || s.text.includes(wrongToken), 'nor does /metrics');
});
