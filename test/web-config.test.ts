import t from 'tap';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import bcrypt from 'bcryptjs';
import { Pki } from './web-fixtures/pki.js';
import { subjectAltNames } from '../src/web/client-cert.js';
import { loadWebConfig, parseWebConfig, type WebConfig } from '../src/web/config.js';
import { WebConfigError } from '../src/web/errors.js';
import { parseGoDuration } from '../src/web/go-duration.js';
import { httpsServerOptions } from '../src/web/tls.js';
import { readTlsMaterial } from '../src/web/tls-material.js';

const pki = new Pki('web-config-');
t.teardown(() => pki.remove());
const server = pki.issue('server', { cn: 'server', san: 'IP:127.0.0.1' });
const other = pki.issue('other', { cn: 'other' });
const hash = bcrypt.hashSync('pw', 4);
const dir = pki.dir;

const tls = (extra = '') => `tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n${extra}`;

/** The problems of a config that must be refused (the test fails if it is accepted). */
function problems(yaml: string, baseDir = dir): string[] {
  try {
    parseWebConfig(yaml, { baseDir });
  } catch (err) {
    if (err instanceof WebConfigError) return err.problems;
    throw err;
  }
  throw new Error('accepted a config that should have been refused');
}

t.test('a full config: relative paths against the config directory, exporter-toolkit defaults', async (t) => {
  const sub = join(dir, 'conf');
  mkdirSync(sub);
  copyFileSync(server.cert, join(sub, 'server.pem'));
  copyFileSync(server.key, join(sub, 'server.key'));
  copyFileSync(pki.ca, join(sub, 'ca.pem'));
  const file = join(sub, 'web.yml');
  writeFileSync(file, `${tls('  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n')}basic_auth_users:\n  alice: ${hash}\n`);
  const c = loadWebConfig(file);
  t.equal(c.file, file);
  t.equal(c.tls?.cert.file, join(sub, 'server.pem'), 'relative to the web config file, not the working directory');
  t.equal(c.tls?.clientCa?.file, join(sub, 'ca.pem'));
  t.equal(c.tls?.minVersion, 'TLS12');
  t.equal(c.tls?.maxVersion, 'TLS13');
  t.equal(c.tls?.preferServerCipherSuites, true);
  t.equal(c.tls?.clientAuthType, 'RequireAndVerifyClientCert');
  t.same([...c.users.keys()], ['alice']);
  t.equal(c.users.get('alice')?.reveal(), hash);
  t.equal(c.rateLimit, undefined);

  const abs = parseWebConfig(`tls_server_config:\n  cert_file: ${server.cert}\n  key_file: ${server.key}\n`, { baseDir: '/nonexistent' });
  t.equal(abs.tls?.cert.file, server.cert, 'absolute paths stay');
});

t.test('an empty file, or empty sections, turn nothing on', async (t) => {
  for (const yaml of ['', '# nothing\n', 'tls_server_config:\nbasic_auth_users:\nhttp_server_config:\n']) {
    const c = parseWebConfig(yaml, { baseDir: dir });
    t.equal(c.tls, undefined);
    t.equal(c.users.size, 0);
    t.same(c.headers, {});
  }
});

t.test('unknown keys are errors, at any depth, with their key path', async (t) => {
  t.same(problems('tls_server_confg:\n  cert_file: x\n'), [
    'tls_server_confg: unknown key (expected one of tls_server_config, http_server_config, rate_limit, basic_auth_users)',
  ]);
  t.match(problems(tls('  cert_fil: server.pem\n'))[0], /^tls_server_config\.cert_fil: unknown key \(expected one of cert, key, client_ca, cert_file/);
  t.match(problems('http_server_config:\n  http3: true\n'), [/^http_server_config\.http3: unknown key/]);
  t.match(problems('rate_limit:\n  interval: 1s\n  burst: 1\n  jitter: 1\n'), [/^rate_limit\.jitter: unknown key/]);
});

t.test('cert_file without key_file, and the reverse', async (t) => {
  t.same(problems('tls_server_config:\n  cert_file: server.pem\n'), ["tls_server_config: missing key_file (or key): TLS needs the certificate's private key"]);
  t.same(problems('tls_server_config:\n  key_file: server.key\n'), ['tls_server_config: missing cert_file (or cert): TLS needs a certificate']);
  t.same(problems('tls_server_config:\n  client_auth_type: RequireAnyClientCert\n'), [
    'tls_server_config: missing cert_file (or cert): TLS needs a certificate',
    "tls_server_config: missing key_file (or key): TLS needs the certificate's private key",
  ]);
  t.same(problems(tls(`  cert: "${readFileSync(server.cert, 'utf8').replace(/\n/g, '\\n')}"\n`)), ['tls_server_config: set cert_file or cert, not both']);
});

t.test('TLS settings without a certificate are a mistake, not silently plain HTTP', async (t) => {
  t.same(problems('tls_server_config:\n  min_version: TLS13\n'), ['tls_server_config: min_version set, but TLS is off without cert_file and key_file']);
});

t.test('unreadable, unparsable or mismatched files are errors at load time', async (t) => {
  t.same(problems('tls_server_config:\n  cert_file: missing.pem\n  key_file: server.key\n'), [
    `tls_server_config.cert_file: cannot read ${join(dir, 'missing.pem')}: ENOENT`,
  ]);
  writeFileSync(join(dir, 'junk.pem'), 'hello\n');
  t.match(problems('tls_server_config:\n  cert_file: junk.pem\n  key_file: junk.pem\n'), [
    `tls_server_config.cert_file: ${join(dir, 'junk.pem')} holds no PEM certificate`,
    /^tls_server_config\.key_file: .*junk\.pem is not a PEM private key, or is encrypted \(/,
  ]);
  t.same(problems('tls_server_config:\n  cert_file: server.pem\n  key_file: other.key\n'), [
    `tls_server_config.key_file: ${join(dir, 'other.key')} is not the private key of the certificate in tls_server_config.cert_file`,
  ]);
  t.same(problems(tls('  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: junk.pem\n')), [
    `tls_server_config.client_ca_file: ${join(dir, 'junk.pem')} holds no PEM certificate`,
  ]);
  t.same(problems(tls('  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: nope/ca.pem\n')), [
    `tls_server_config.client_ca_file: cannot read ${join(dir, 'nope/ca.pem')}: ENOENT`,
  ]);

  execFileSync('openssl', ['pkcs8', '-topk8', '-in', server.key, '-out', join(dir, 'encrypted.key'), '-passout', 'pass:secret', '-v2', 'aes-256-cbc'], {
    stdio: 'pipe',
  });
  t.match(problems('tls_server_config:\n  cert_file: server.pem\n  key_file: encrypted.key\n'), [
    /^tls_server_config\.key_file: .*encrypted\.key is not a PEM private key, or is encrypted/,
  ]);
});

t.test('client_auth_type: Go names only; a verifying type needs the client CA; a CA needs a type', async (t) => {
  t.same(problems(tls('  client_auth_type: RequireAndVerify\n')), [
    'tls_server_config.client_auth_type: must be one of NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert, not "RequireAndVerify"',
  ]);
  t.match(problems(tls('  client_auth_type: constructor\n')), [/client_auth_type: must be one of/], 'no prototype key passes for a name');
  for (const type of ['VerifyClientCertIfGiven', 'RequireAndVerifyClientCert']) {
    t.same(problems(tls(`  client_auth_type: ${type}\n`)), [
      `tls_server_config.client_ca_file: required when client_auth_type is ${type}: the CA that client certificates must chain to`,
    ]);
  }
  t.match(problems(tls('  client_ca_file: ca.pem\n')), [/^tls_server_config: client_ca_file is set but client_auth_type is NoClientCert/]);
  for (const type of ['RequestClientCert', 'RequireAnyClientCert']) {
    t.equal(parseWebConfig(tls(`  client_auth_type: ${type}\n`), { baseDir: dir }).tls?.clientAuthType, type, `${type} needs no CA (it verifies nothing)`);
  }
  t.equal(
    parseWebConfig(tls('  client_auth_type: RequireClientCert\n'), { baseDir: dir }).tls?.clientAuthType,
    'RequireAnyClientCert',
    "exporter-toolkit's old name",
  );
});

t.test('client_allowed_sans only with a type that requires a certificate, as exporter-toolkit', async (t) => {
  t.match(problems(tls('  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: ca.pem\n  client_allowed_sans: [a]\n')), [
    /^tls_server_config\.client_allowed_sans: requires client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert/,
  ]);
  t.same(problems(tls('  client_allowed_sans: a\n')), ['tls_server_config.client_allowed_sans: must be a list of strings, not a string']);
});

t.test('TLS versions, cipher suites and curves: Go names, checked', async (t) => {
  t.same(problems(tls('  min_version: TLS1.2\n')), ['tls_server_config.min_version: must be one of TLS10, TLS11, TLS12, TLS13, not "TLS1.2"']);
  t.same(problems(tls('  min_version: TLS13\n  max_version: TLS12\n')), ['tls_server_config.min_version: TLS13 is above max_version TLS12']);
  t.match(problems(tls('  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, ECDHE-RSA-AES128-GCM-SHA256]\n')), [
    /^tls_server_config\.cipher_suites\[1\]: unknown cipher suite "ECDHE-RSA-AES128-GCM-SHA256" \(known: TLS_AES_128_GCM_SHA256/,
  ]);
  t.match(
    problems(tls('  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n')),
    [/unknown cipher suite "TLS_RSA_WITH_RC4_128_SHA"/],
    "Go's insecure suites are refused, as exporter-toolkit refuses them",
  );
  t.match(problems(tls('  curve_preferences: [P-256]\n')), [
    /^tls_server_config\.curve_preferences\[0\]: unknown curve "P-256" \(known: CurveP256, CurveP384, CurveP521, X25519\)/,
  ]);
  t.same(problems(tls('  prefer_server_cipher_suites: yes\n')), ['tls_server_config.prefer_server_cipher_suites: must be true or false, not a string']);

  const c = parseWebConfig(
    tls(
      '  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: ca.pem\n  min_version: TLS11\n  max_version: TLS12\n  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256]\n  curve_preferences: [CurveP256, X25519]\n  prefer_server_cipher_suites: false\n',
    ),
    { baseDir: dir },
  );
  const opts = httpsServerOptions(c.tls!, readTlsMaterial(c.tls!));
  t.equal(opts.minVersion, 'TLSv1.1');
  t.equal(opts.maxVersion, 'TLSv1.2');
  t.equal(
    opts.ciphers,
    'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0',
    "TLS 1.3 suites stay Node's; TLS 1.1 needs security level 0",
  );
  t.equal(opts.ecdhCurve, 'P-256:X25519');
  t.equal(opts.honorCipherOrder, false);
  t.equal(opts.requestCert, true);
  t.equal(opts.rejectUnauthorized, false, 'VerifyClientCertIfGiven is enforced after the handshake, not by Node');
  t.match(String(opts.ca), /BEGIN CERTIFICATE/);
  const strict = parseWebConfig(tls('  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n'), { baseDir: dir });
  const strictOpts = httpsServerOptions(strict.tls!, readTlsMaterial(strict.tls!));
  t.same([strictOpts.requestCert, strictOpts.rejectUnauthorized, strictOpts.ciphers], [true, true, undefined]);
});

t.test('basic_auth_users: bcrypt hashes checked at load time, never quoted back', async (t) => {
  const bad = '$2y$10$tooShort';
  const found = problems(
    `basic_auth_users:\n  alice: "${bad}"\n  "bob.smith": plaintext-password\n  carol: 12\n  "dave:x": ${hash}\n  eve: "$2y$03$${'a'.repeat(53)}"\n`,
  );
  t.same(found, [
    'basic_auth_users.alice: not a bcrypt hash: expected $2a$, $2b$ or $2y$, a two-digit cost, then 53 characters of [./A-Za-z0-9] (e.g. the output of htpasswd -nBC 10 "")',
    'basic_auth_users["bob.smith"]: not a bcrypt hash: expected $2a$, $2b$ or $2y$, a two-digit cost, then 53 characters of [./A-Za-z0-9] (e.g. the output of htpasswd -nBC 10 "")',
    'basic_auth_users.carol: must be a bcrypt hash string',
    'basic_auth_users["dave:x"]: a user name cannot contain ":"',
    'basic_auth_users.eve: bcrypt cost 3 is outside 4..31',
  ]);
  t.notMatch(found.join('\n'), /tooShort|plaintext-password/);
  t.same(problems('basic_auth_users: [alice]\n'), ['basic_auth_users: must be a mapping, not a list']);
});

t.test('http_server_config: the headers exporter-toolkit allows, with its value checks; http2 accepted', async (t) => {
  const c = parseWebConfig('http_server_config:\n  http2: false\n  headers:\n    Content-Security-Policy: "default-src \'self\'"\n    X-XSS-Protection: ""\n', {
    baseDir: dir,
  });
  t.same(c.headers, { 'Content-Security-Policy': "default-src 'self'" }, 'a blank value means unset');
  t.equal(c.http2, false);
  t.match(problems('http_server_config:\n  headers:\n    Server: nginx\n    x-frame-options: deny\n'), [
    /^http_server_config\.headers\.Server: header cannot be configured \(allowed: Strict-Transport-Security, X-Content-Type-Options/,
    /^http_server_config\.headers\.x-frame-options: header cannot be configured/,
  ]);
  t.same(problems('http_server_config:\n  headers:\n    X-Frame-Options: allow\n    X-Content-Type-Options: sniff\n'), [
    'http_server_config.headers.X-Frame-Options: must be one of deny, sameorigin, not "allow"',
    'http_server_config.headers.X-Content-Type-Options: must be one of nosniff, not "sniff"',
  ]);
  t.same(problems('http_server_config:\n  headers:\n    Content-Security-Policy: "a\\r\\nSet-Cookie: x"\n'), [
    'http_server_config.headers.Content-Security-Policy: must not contain control characters or characters beyond Latin-1',
  ]);
});

t.test('rate_limit: Go durations; 0 disables; a burst is required', async (t) => {
  t.same(parseWebConfig('rate_limit:\n  interval: 1m30s\n  burst: 5\n', { baseDir: dir }).rateLimit, { intervalMs: 90_000, burst: 5 });
  t.equal(parseWebConfig('rate_limit:\n  interval: 0s\n', { baseDir: dir }).rateLimit, undefined);
  t.same(problems('rate_limit:\n  interval: 1d\n  burst: 5\n'), ['rate_limit.interval: "1d" is not a duration such as 1s or 100ms']);
  t.same(problems('rate_limit:\n  interval: 1s\n'), ['rate_limit.burst: must be at least 1 when rate_limit.interval is set']);
  t.same(problems('rate_limit:\n  interval: 1s\n  burst: 1.5\n'), [
    'rate_limit.burst: must be an integer, not a number',
    'rate_limit.burst: must be at least 1 when rate_limit.interval is set',
  ]);
  t.same(
    [
      parseGoDuration('300ms'),
      parseGoDuration('1.5h'),
      parseGoDuration('2h45m'),
      parseGoDuration('250us'),
      parseGoDuration('0'),
      parseGoDuration('5'),
      parseGoDuration('1d'),
    ],
    [300, 5_400_000, 9_900_000, 0.25, 0, undefined, undefined],
  );
});

t.test('every problem at once, in one WebConfigError', async (t) => {
  const file = join(dir, 'many.yml');
  writeFileSync(file, `tls_server_config:\n  cert_file: server.pem\n  client_auth_type: Always\nbasic_auth_users:\n  alice: nope\nextra: 1\n`);
  const err = t.throws(() => loadWebConfig(file)) as WebConfigError;
  t.ok(err instanceof WebConfigError);
  t.equal(err.problems.length, 4);
  t.match(err.message, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid web configuration:\\n  `));
  for (const p of [
    'extra: unknown key',
    'tls_server_config: missing key_file',
    'tls_server_config.client_auth_type: must be one of',
    'basic_auth_users.alice: not a bcrypt hash',
  ]) {
    t.match(err.message, p);
  }
  const both = t.throws(() =>
    parseWebConfig('tls_server_config:\n  cert_file: missing.pem\n  key_file: server.key\nbasic_auth_users:\n  alice: nope\n', { baseDir: dir }),
  ) as WebConfigError;
  t.same(
    both.problems,
    [
      `tls_server_config.cert_file: cannot read ${join(dir, 'missing.pem')}: ENOENT`,
      'basic_auth_users.alice: not a bcrypt hash: expected $2a$, $2b$ or $2y$, a two-digit cost, then 53 characters of [./A-Za-z0-9] (e.g. the output of htpasswd -nBC 10 "")',
    ].sort(),
    'file problems are listed with the others',
  );
  const absent = t.throws(() => loadWebConfig(join(dir, 'absent.yml'))) as WebConfigError;
  t.same(absent.problems, ['cannot read the web config file: ENOENT']);
});

t.test('YAML syntax errors name the line but quote no text of the file; duplicate keys are errors', async (t) => {
  const secretish = '$2y$10$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0';
  const found = problems(`basic_auth_users:\n  alice: ${secretish}: x\n`);
  t.match(found, [/^YAML: Nested mappings are not allowed in compact mappings at line 2, column \d+$/]);
  t.notMatch(found.join('\n'), /abcdef/);
  t.match(problems('basic_auth_users:\n  alice: x\n  alice: y\n'), [/^YAML: Map keys must be unique at line 3/]);
});

t.test('secrets stay secret in logs: inline keys and hashes serialise as <secret>', async (t) => {
  const keyPem = readFileSync(server.key, 'utf8');
  const yaml = `tls_server_config:\n  cert: |\n${indent(readFileSync(server.cert, 'utf8'))}  key: |\n${indent(keyPem)}basic_auth_users:\n  alice: ${hash}\n`;
  const c: WebConfig = parseWebConfig(yaml, { baseDir: '/nonexistent' });
  t.equal(c.tls?.key.inline?.reveal(), keyPem, 'inline PEM works, with no files');
  const shown = [JSON.stringify({ ...c, users: Object.fromEntries(c.users) }), inspect(c, { depth: 10 }), String(c.users.get('alice'))].join('\n');
  t.notMatch(shown, /PRIVATE KEY/);
  t.notMatch(shown, hash.slice(7));
  t.match(shown, /<secret>/);
});

t.test("client_allowed_sans reads a certificate's SANs as Go writes them, quoted values included", async (t) => {
  const san =
    '@alt\n[alt]\nDNS.1=a.example\nDNS.2=b.example, DNS:evil.example\nURI.1=spiffe://cluster/ns/monitoring/sa/prometheus\nURI.2=http://x/a,b\nemail.1=ops@example.org\nIP.1=10.0.0.1\nIP.2=2001:db8::1\nIP.3=::ffff:192.0.2.1';
  const cert = pki.issue('sans', { cn: 'sans', san });
  t.same(subjectAltNames(new X509Certificate(readFileSync(cert.cert))), [
    'a.example',
    'b.example, DNS:evil.example',
    'spiffe://cluster/ns/monitoring/sa/prometheus',
    'http://x/a,b',
    'ops@example.org',
    '10.0.0.1',
    '2001:db8::1',
    '192.0.2.1',
  ]);
  t.same(subjectAltNames(new X509Certificate(readFileSync(other.cert))), [], 'no SAN extension');
});

function indent(text: string): string {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => `    ${l}\n`)
    .join('');
}
