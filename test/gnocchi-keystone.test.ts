import t, { type Test } from 'tap';
import { request } from 'undici';
import { KeystoneSimulator } from '../src/simulator/gnocchi/keystone.js';

/** The Keystone simulator over HTTP, held to what the real Keystone 22 answered (/tmp/openstack-report.md, 3g and 3h). */

const NOW = Date.parse('2026-12-02T09:01:07.654Z');

async function keystone(t: Test) {
  const ks = new KeystoneSimulator({ seed: 9, now: () => NOW });
  const admin = ks.addProject('admin');
  const other = ks.addProject('other');
  const exporter = ks.addUser('exporter', { [admin.id]: ['admin'] }, 'pw-exporter');
  const credential = ks.addApplicationCredential(exporter, admin.id);
  await ks.listen();
  t.teardown(() => ks.close());
  ks.setEndpoints('metric', 'gnocchi', [{ interface: 'public', region: 'RegionOne', url: 'http://gnocchi:8041' }]);
  return { ks, admin, other, exporter, credential };
}

async function post(ks: KeystoneSimulator, body: unknown, path = '/v3/auth/tokens') {
  const res = await request(`${ks.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

const appCred = (id: string, secret: string) => ({ auth: { identity: { methods: ['application_credential'], application_credential: { id, secret } } } });
const password = (name: string, pw: string, scope?: unknown) => ({
  auth: {
    identity: { methods: ['password'], password: { user: { name, domain: { name: 'Default' }, password: pw } } },
    ...(scope === undefined ? {} : { scope }),
  },
});
const UNAUTHORIZED = '{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}\n';

t.test('application credentials: an unknown id is 404, a wrong secret 401, a scope 401 with its own message', async (t) => {
  const { ks, credential } = await keystone(t);
  const unknown = await post(ks, appCred('ffffffffffffffffffffffffffffffff', 'x'));
  t.same(
    [unknown.status, unknown.text],
    [404, '{"error":{"code":404,"message":"Could not find Application Credential: ffffffffffffffffffffffffffffffff.","title":"Not Found"}}\n'],
  );
  const wrong = await post(ks, appCred(credential.id, 'not-the-secret'));
  t.same([wrong.status, wrong.text], [401, UNAUTHORIZED]);
  t.equal(wrong.headers['www-authenticate'], `Keystone uri="${ks.url}/v3"`);
  const scoped = await post(ks, {
    auth: { ...appCred(credential.id, credential.secret).auth, scope: { project: { name: 'admin', domain: { name: 'Default' } } } },
  });
  t.same(
    [scoped.status, scoped.text],
    [
      401,
      '{"error":{"code":401,"identity":{},"message":"Error authenticating with application credential: Application credentials cannot request a scope.","title":"Unauthorized"}}\n',
    ],
  );
  const byName = await post(ks, {
    auth: { identity: { methods: ['application_credential'], application_credential: { name: credential.name, secret: credential.secret } } },
  });
  t.equal(byName.status, 400);
  t.match(byName.text, /"message":"Expecting to find user in application credential\./);

  const ok = await post(ks, appCred(credential.id, credential.secret));
  t.equal(ok.status, 201);
  const token = (JSON.parse(ok.text) as { token: Record<string, unknown> }).token;
  t.same(token.application_credential, { id: credential.id, name: 'capacity-exporter', restricted: true });
  t.same(token.methods, ['application_credential']);
});

t.test('tokens: whole-second times, implied roles, catalog; a password without scope gets an unscoped token', async (t) => {
  const { ks, admin, exporter } = await keystone(t);
  const scoped = await post(ks, password('exporter', 'pw-exporter', { project: { name: 'admin', domain: { name: 'Default' } } }));
  t.equal(scoped.status, 201);
  t.match(scoped.headers['x-subject-token'], /^\S{20,}$/);
  t.equal(scoped.headers.vary, 'X-Auth-Token');
  t.match(scoped.headers['x-openstack-request-id'], /^req-[0-9a-f-]{36}$/);
  const token = (
    JSON.parse(scoped.text) as {
      token: { issued_at: string; expires_at: string; roles: Array<{ id: string; name: string }>; project: { id: string }; catalog: unknown[] };
    }
  ).token;
  t.equal(token.issued_at, '2026-12-02T09:01:07.000000Z', 'Fernet keeps whole seconds');
  t.equal(token.expires_at, '2026-12-02T10:01:07.000000Z');
  t.same(token.roles.map((r) => r.name).sort(), ['admin', 'member', 'reader'], 'admin implies member, which implies reader');
  t.ok(token.roles.every((r) => /^[0-9a-f]{32}$/.test(r.id)));
  t.equal(token.project.id, admin.id);
  t.same(token.catalog, [
    {
      endpoints: [
        {
          id: (token.catalog[0] as { endpoints: Array<{ id: string }> }).endpoints[0]!.id,
          interface: 'public',
          region_id: 'RegionOne',
          url: 'http://gnocchi:8041',
          region: 'RegionOne',
        },
      ],
      id: ks.catalog.get('metric')!.id,
      type: 'metric',
      name: 'gnocchi',
    },
  ]);

  const unscoped = await post(ks, password('exporter', 'pw-exporter'));
  t.equal(unscoped.status, 201);
  const body = (JSON.parse(unscoped.text) as { token: Record<string, unknown> }).token;
  t.same(Object.keys(body).sort(), ['audit_ids', 'expires_at', 'issued_at', 'methods', 'user']);
  t.same(body.user, { domain: { id: 'default', name: 'Default' }, id: exporter.id, name: 'exporter', password_expires_at: null });
  t.same(ks.validate(unscoped.headers['x-subject-token'] as string)?.projectId, undefined);

  const noRole = await post(ks, password('exporter', 'pw-exporter', { project: { name: 'other', domain: { name: 'Default' } } }));
  t.same([noRole.status, noRole.text], [401, UNAUTHORIZED], 'a project without a role');
  const wrong = await post(ks, password('exporter', 'nope', { project: { name: 'admin', domain: { name: 'Default' } } }));
  t.same([wrong.status, wrong.text], [401, UNAUTHORIZED]);
});

t.test("a body without identity: jsonschema's message", async (t) => {
  const { ks } = await keystone(t);
  const res = await post(ks, { auth: {} });
  t.equal(res.status, 400);
  t.match(
    (JSON.parse(res.text) as { error: { message: string } }).error.message,
    /^'identity' is a required property\n\nFailed validating 'required' in schema/,
  );
});

t.test('GET validates a token (404 once revoked), DELETE revokes it', async (t) => {
  const { ks, credential } = await keystone(t);
  const issue = async () => (await post(ks, appCred(credential.id, credential.secret))).headers['x-subject-token'] as string;
  const [caller, subject] = [await issue(), await issue()];
  const call = async (method: 'GET' | 'DELETE', auth: string) => {
    const res = await request(`${ks.url}/v3/auth/tokens`, { method, headers: { 'x-auth-token': auth, 'x-subject-token': subject } });
    return [res.statusCode, await res.body.text()];
  };
  t.equal((await call('GET', caller))[0], 200);
  t.same(await call('GET', 'garbage'), [401, UNAUTHORIZED]);
  t.equal((await call('DELETE', caller))[0], 204);
  t.same(await call('GET', caller), [404, '{"error":{"code":404,"message":"Failed to validate token","title":"Not Found"}}\n']);
  t.equal(ks.validate(subject), undefined);
});
