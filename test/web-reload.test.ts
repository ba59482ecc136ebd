import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { Agent, request } from 'undici';
import { startExporter } from '../src/app.js';
import { loadConfigFile } from '../src/config/load.js';
import { createWebSecurity, loadWebConfig } from '../src/web/index.js';
import { find, parseExposition } from './helpers/exposition.js';
import { captureLogger } from './helpers/log.js';
import { Pki } from './web-fixtures/pki.js';

/**
 * The --web.config.file is read again with the configuration (SIGHUP, POST
 * /-/reload), as exporter-toolkit reads it per request: new users, headers
 * and rate limit apply at once; TLS settings need a restart and say so; a
 * broken file, or users given in both places, is refused as a whole.
 */
t.test('a reload takes the web config: users and headers at once, TLS settings at the next start, a broken file not at all', async (t) => {
  const pki = new Pki('web-reload-');
  const server = pki.issue('server', { cn: '127.0.0.1', san: 'IP:127.0.0.1' });
  const dir = pki.dir;
  const configFile = join(dir, 'config.json');
  const webFile = join(dir, 'web.yml');
  const hash = (password: string) => bcrypt.hashSync(password, 4);
  const writeWeb = (body: string, minVersion = 'TLS12') =>
    writeFileSync(webFile, `tls_server_config:\n  cert_file: ${server.cert}\n  key_file: ${server.key}\n  min_version: ${minVersion}\n${body}`);
  const writeConfig = (raw: Record<string, unknown>) => writeFileSync(configFile, JSON.stringify(raw));

  writeConfig({});
  writeWeb(`basic_auth_users:\n  alice: ${hash('one')}\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\n`);
  const load = () => loadConfigFile(configFile, [], { env: {} });
  const captured = captureLogger();
  const web = createWebSecurity(loadWebConfig(webFile), captured.log);
  const exporter = await startExporter({ config: load(), reload: load, web, log: captured.log, host: '127.0.0.1', port: 0, startupJitterMs: 0 });
  const dispatcher = new Agent({ connect: { ca: readFileSync(pki.ca) } });
  t.teardown(async () => {
    await exporter.close();
    await dispatcher.close();
  });
  const get = async (user?: string, password?: string, headers: Record<string, string> = {}) => {
    if (user) headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const res = await request(`${exporter.url}/metrics`, { dispatcher, headers });
    const text = await res.body.text();
    return { status: res.statusCode, frame: res.headers['x-frame-options'], text };
  };
  const reloadSuccessful = async () => find(parseExposition((await get('bob', 'two')).text), 'capacity_exporter_config_last_reload_successful')[0]?.value;

  t.match(await get('alice', 'one'), { status: 200, frame: 'deny' });
  t.match(await get('bob', 'two'), { status: 401, frame: 'deny' });

  writeWeb(`basic_auth_users:\n  bob: ${hash('two')}\nhttp_server_config:\n  headers:\n    X-Frame-Options: sameorigin\n`);
  t.same(await exporter.reload('test'), { ok: true, changes: { added: [], restarted: [], removed: [], unchanged: [] }, notApplied: [] });
  t.match(await get('alice', 'one'), { status: 401 }, "a removed user's password no longer works, though it was cached");
  t.match(await get('bob', 'two'), { status: 200, frame: 'sameorigin' }, 'the new user and header apply at once');

  writeWeb(
    `basic_auth_users:\n  bob: ${hash('two')}\nhttp_server_config:\n  headers:\n    X-Frame-Options: sameorigin\nrate_limit:\n  interval: 1h\n  burst: 1\n`,
  );
  t.match(await exporter.reload('test'), { ok: true, notApplied: [] });
  t.match(await get('bob', 'two'), { status: 200 });
  t.match(await get('bob', 'two'), { status: 429 }, 'the new rate limit applies at once');
  writeWeb(`basic_auth_users:\n  bob: ${hash('two')}\nhttp_server_config:\n  headers:\n    X-Frame-Options: sameorigin\n`);
  t.match(await exporter.reload('test'), { ok: true, notApplied: [] });
  t.match(await get('bob', 'two'), { status: 200 }, 'and its removal too');

  writeWeb(`basic_auth_users:\n  bob: not-a-bcrypt-hash\n`);
  const broken = await exporter.reload('test');
  t.equal(broken.ok, false);
  t.match(broken.ok ? [] : broken.problems, [/^web config: basic_auth_users\.bob/]);
  t.match(await get('bob', 'two'), { status: 200, frame: 'sameorigin' }, 'the running web config is kept');
  t.equal(await reloadSuccessful(), 0);
  t.match(captured.text(), /configuration reload failed; the previous configuration keeps running/);

  writeWeb(`basic_auth_users:\n  bob: ${hash('two')}\n`);
  writeConfig({ server: { auth: { bearerToken: 'abcdefgh' } } });
  t.match(await exporter.reload('test'), { ok: false, problems: [/give the users in one place only/] }, 'users in both places are refused');
  t.match(await get('bob', 'two'), { status: 200 });

  writeWeb('');
  writeConfig({});
  t.match(
    await exporter.reload('test'),
    { ok: false, problems: ['the new configuration asks for no password where the running one does; removing authentication takes a restart'] },
    'a web file that lost its users (one caught half-written) does not open the endpoint',
  );
  t.match(await get('bob', 'two'), { status: 200 });
  t.match(await get(), { status: 401 });

  writeWeb(`basic_auth_users:\n  bob: ${hash('two')}\n`, 'TLS13');
  const tls = await exporter.reload('test');
  t.match(
    tls,
    { ok: false, problems: [/^web config: tls_server_config: its settings apply only when the exporter starts/] },
    'a TLS change is refused, not silently left unapplied',
  );
  t.equal(web.config.tls?.minVersion, 'TLS12', 'the listening server keeps its TLS settings');

  writeWeb('');
  writeConfig({ server: { auth: { bearerToken: 'abcdefgh' } } });
  t.same(await exporter.reload('test'), { ok: true, changes: { added: [], restarted: [], removed: [], unchanged: [] }, notApplied: [] });
  t.match(await get(undefined, undefined, { authorization: 'Bearer abcdefgh' }), { status: 200, frame: undefined }, 'users moved to server.auth, headers gone');
  t.match(await get('bob', 'two'), { status: 401 });
  t.equal(
    find(parseExposition((await get(undefined, undefined, { authorization: 'Bearer abcdefgh' })).text), 'capacity_exporter_config_last_reload_successful')[0]
      ?.value,
    1,
  );

  writeWeb(`basic_auth_users:\n  carol: ${hash('three')}\n`);
  writeConfig({});
  t.match(await exporter.reload('test'), { ok: true }, 'and back from server.auth to the web config in one reload');
  t.match(await get('carol', 'three'), { status: 200 });
  t.match(await get(undefined, undefined, { authorization: 'Bearer abcdefgh' }), { status: 401 });
});
