/**
 * A real OpenStack on loopback for the tests: Keystone 22 and Gnocchi 4.4.2
 * from Debian's packages, with their own PostgreSQL cluster, all in a temp
 * dir, on free ports, started in parallel and stopped by PID.
 *
 *   PostgreSQL  initdb (as user postgres) + postgres on a Unix socket in the dir
 *   Keystone    keystone-manage db_sync + bootstrap (sqlite), Fernet keys,
 *               uWSGI serving keystone-wsgi-public
 *   Gnocchi     gnocchi-upgrade, uWSGI serving gnocchi.rest.wsgi
 *               (auth_mode keystone), gnocchi-metricd (1 worker, 1 s delay)
 *
 * Then, through the real HTTP APIs: projects, users (an admin `exporter` with
 * an application credential, a `viewer` member of one project), the `metric`
 * service in the catalog, the `instance` resource type, an archive policy
 * with a 300 s granularity, instances with sparse `vcpus` measures (one whose
 * only measure is 40 minutes old, deleted ones with `ended_at` set), all
 * processed before it returns (`?refresh=true`; gnocchi-metricd keeps running
 * for measures posted later).
 *
 * Needs (Debian bookworm, root): see APT_COMMAND in ./openstack/packages.ts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort, until } from './processes.js';
import { api, appCredentialAuth, issueToken, passwordAuth, str, type AppCredentialIdentity, type PasswordIdentity } from './openstack/api.js';
import { fernetKey, gnocchiConf, gnocchiPaste, keystoneConf, POSTGRES_SETTINGS, uwsgiArgs, type Layout } from './openstack/configs.js';
import { findBinaries, type Binaries } from './openstack/packages.js';
import { DIR_PREFIX, runCommand, startDaemon, sweepStaleDirs, trackDir, untrackDir, type Daemon, type RunAs } from './openstack/procs.js';

export { api, appCredentialAuth, issueToken } from './openstack/api.js';

export interface OpenStackOptions {
  /** Catalog region of every endpoint (default RegionOne). */
  region?: string;
  /** Keystone's token lifetime (default 3600 s). */
  tokenTtlSeconds?: number;
  /** Leave the temp dir (configs, databases) after stop, for debugging. */
  keepDir?: boolean;
  /** Progress lines (phase and elapsed ms). */
  log?: (line: string) => void;
}

export interface HarnessUser {
  id: string;
  name: string;
  password: string;
  /** The project the user's password tokens are scoped to (domain Default). */
  project: string;
  projectId: string;
}

export interface HarnessProject {
  id: string;
  name: string;
}

export interface HarnessMeasure {
  /** Unix ms. */
  at: number;
  value: number;
}

export interface HarnessInstance {
  id: string;
  projectId: string;
  displayName: string;
  flavorName: string;
  /** The value of its newest measure. */
  vcpus: number;
  measures: HarnessMeasure[];
  metricId: string;
  /** Unix ms of `ended_at`, null while alive. */
  endedAt: number | null;
}

export interface OpenStack {
  dir: string;
  /** Keystone v3 root: http://127.0.0.1:<port>/v3 */
  keystoneUrl: string;
  /** Gnocchi root (the catalog's metric URL, without /v1). */
  gnocchiUrl: string;
  region: string;
  /** The archive policy of every vcpus metric: mean/min/max/last at 300 s (1 day) and 3600 s (30 days). */
  archivePolicy: string;
  /** Cloud admin from `keystone-manage bootstrap` (role admin on project admin). */
  admin: HarnessUser;
  /** The exporter's user: role admin on project admin, and an application credential of it. */
  exporter: HarnessUser & { applicationCredential: AppCredentialIdentity & { name: string } };
  /** Role member on projects[0] only. */
  viewer: HarnessUser;
  /** The three projects holding instances. */
  projects: HarnessProject[];
  instances: HarnessInstance[];
  /** Unix ms the measures were placed relative to. */
  measuredAt: number;
  /**
   * Per project id: the vCPUs of its live instances, each counted by its newest
   * measure (what `gnocchi_provisioned_vcpus{project_id}` must say with the
   * default 1 h look-back). Projects without live instances are absent.
   */
  expectedVcpus: Record<string, number>;
  /** The same for another look-back, measured back from `now`. */
  expectedVcpusWithin: (lookbackMs: number, now?: number) => Record<string, number>;
  /** Milliseconds of each start-up phase, and `total`. */
  timings: Record<string, number>;
  /** A fresh token for a user (scoped to its project) or an application credential. */
  token: (who: PasswordIdentity | AppCredentialIdentity) => Promise<string>;
  /**
   * Posts more `vcpus` measures of an instance (newer than its last one: the
   * archive policy has no back window) and has Gnocchi process them at once,
   * or with `refresh: false` leaves them to gnocchi-metricd (see metricdBacklog).
   */
  addMeasures: (instanceId: string, measures: HarnessMeasure[], opts?: { refresh?: boolean }) => Promise<void>;
  /** Sets `ended_at` of an instance (default now), as Nova's deletion does. */
  deleteInstance: (instanceId: string, at?: number) => Promise<void>;
  /** Measures posted that gnocchi-metricd has not processed yet (`GET /v1/status`). */
  metricdBacklog: () => Promise<number>;
  /** PIDs of the daemons (postgres, keystone and gnocchi uWSGI masters, metricd). */
  pids: () => number[];
  /** Output of every process, for a failing test's diagnostics. */
  logs: () => string;
  /** Stops every process by PID (SIGTERM/SIGINT, then SIGKILL) and removes the temp dir. */
  stop: () => Promise<void>;
}

const MINUTE = 60_000;
const ARCHIVE_POLICY = 'vcpus-300s';

/** The instances made in every project: minutes ago of each measure, its value, deletion. */
interface InstancePlan {
  project: number;
  name: string;
  flavor: string;
  measures: Array<[minutesAgo: number, value: number]>;
  /** Minutes ago of ended_at. */
  endedMinutesAgo?: number;
}

const PLAN: InstancePlan[] = [
  // Project 0: 4 + 2 live; the deleted 8 must not count.
  {
    project: 0,
    name: 'a-large',
    flavor: 'm1.large',
    measures: [
      [50, 4],
      [3, 4],
    ],
  },
  { project: 0, name: 'a-quiet', flavor: 'm1.medium', measures: [[40, 2]] },
  {
    project: 0,
    name: 'a-deleted',
    flavor: 'm1.xlarge',
    measures: [
      [35, 8],
      [15, 8],
    ],
    endedMinutesAgo: 15,
  },
  // Project 1: a resize from 1 to 4 (the newest value counts, not a mean), and 1.
  {
    project: 1,
    name: 'b-resized',
    flavor: 'm1.large',
    measures: [
      [45, 1],
      [8, 4],
    ],
  },
  { project: 1, name: 'b-small', flavor: 'm1.small', measures: [[22, 1]] },
  // Project 2: 8 + 2 live, a deleted 4.
  { project: 2, name: 'c-xlarge', flavor: 'm1.xlarge', measures: [[12, 8]] },
  { project: 2, name: 'c-new', flavor: 'm1.medium', measures: [[1, 2]] },
  {
    project: 2,
    name: 'c-deleted',
    flavor: 'm1.large',
    measures: [
      [55, 4],
      [30, 4],
    ],
    endedMinutesAgo: 30,
  },
];

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** uid and gid of a system user, from /etc/passwd. */
function systemUser(name: string): RunAs | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** How long any one start-up step may take: generous, a loaded 2-core CI machine is slow. */
const STEP_TIMEOUT_MS = 150_000;

/**
 * Starts the whole stack (see the module comment). Throws, with every
 * process's output, if a package is missing or anything fails; a port taken
 * by someone else between picking and binding it means one more try.
 */
export async function startOpenStack(opts: OpenStackOptions = {}): Promise<OpenStack> {
  try {
    return await startOnce(opts);
  } catch (err) {
    if (!(err instanceof PortTaken)) throw err;
    opts.log?.(`retrying: ${err.message.split('\n', 1)[0]}`);
    return startOnce(opts);
  }
}

class PortTaken extends Error {}

async function startOnce(opts: OpenStackOptions): Promise<OpenStack> {
  const started = performance.now();
  const timings: Record<string, number> = {};
  const mark = (phase: string) => {
    timings[phase] = Math.round(performance.now() - started);
    opts.log?.(`${phase}: ${String(timings[phase])} ms`);
  };
  const bins: Binaries = findBinaries();
  sweepStaleDirs();

  // initdb and postgres refuse root: as root they run as the postgres user.
  const root = process.getuid?.() === 0;
  const pgUser = root ? systemUser('postgres') : undefined;
  if (root && !pgUser) throw new Error('running as root, but there is no postgres user to run PostgreSQL as (apt-get install postgresql creates it)');

  const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
  trackDir(dir);
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'owner.pid'), `${String(process.pid)}\n`);

  const [keystonePort, gnocchiPort] = await distinctPorts();
  const layout: Layout = {
    dir,
    pgDir: join(dir, 'pg', 'data'),
    pgSocketDir: join(dir, 'pg'),
    pgPort: 5432,
    keystoneDir: join(dir, 'keystone'),
    keystonePort,
    gnocchiDir: join(dir, 'gnocchi'),
    gnocchiPort,
    region: opts.region ?? 'RegionOne',
    tokenTtlSeconds: opts.tokenTtlSeconds ?? 3600,
    gnocchiServicePassword: randomBytes(12).toString('base64url'),
  };
  mkdirSync(layout.pgSocketDir, { mode: 0o700 });
  if (pgUser) chownSync(layout.pgSocketDir, pgUser.uid, pgUser.gid);
  for (const d of ['fernet-keys', 'credential-keys']) {
    mkdirSync(join(layout.keystoneDir, d), { recursive: true, mode: 0o700 });
    // What fernet_setup / credential_setup write: key 0 staged, key 1 primary.
    for (const k of ['0', '1']) writeFileSync(join(layout.keystoneDir, d, k), fernetKey(), { mode: 0o600 });
  }
  mkdirSync(join(layout.gnocchiDir, 'storage'), { recursive: true });
  const keystoneConfPath = join(layout.keystoneDir, 'keystone.conf');
  const gnocchiConfPath = join(layout.gnocchiDir, 'gnocchi.conf');
  writeFileSync(keystoneConfPath, keystoneConf(layout));
  writeFileSync(gnocchiConfPath, gnocchiConf(layout));
  writeFileSync(join(layout.gnocchiDir, 'api-paste.ini'), gnocchiPaste(layout));

  const keystoneRoot = `http://127.0.0.1:${String(keystonePort)}`;
  const keystoneUrl = `${keystoneRoot}/v3`;
  const gnocchiUrl = `http://127.0.0.1:${String(gnocchiPort)}`;
  const adminPassword = randomBytes(12).toString('base64url');
  // Debian's Python and its packages only: no PYTHONPATH, PYTHONHOME, PYTHONSTARTUP or VIRTUAL_ENV from the caller.
  const dropped = new Set(['PYTHONPATH', 'PYTHONHOME', 'PYTHONSTARTUP', 'VIRTUAL_ENV']);
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !dropped.has(k)));
  const env: NodeJS.ProcessEnv = { ...inherited, OS_KEYSTONE_CONFIG_FILES: keystoneConfPath, PYTHONDONTWRITEBYTECODE: '1' };
  /** Kills the one-shot commands still running when the start fails. */
  const aborted = new AbortController();
  const run = (name: string, argv: string[], runAs?: RunAs) => runCommand(name, bins.setpriv, argv, env, runAs, { signal: aborted.signal });
  /**
   * `keystone-manage db_sync` then `keystone-manage bootstrap ...`, run by
   * keystone-manage's own entry point (keystone.cmd.cli.main) twice in one
   * Python process: the same code, one import of Keystone (~3 s of CPU) instead of two.
   */
  const keystoneManage = (...commands: string[][]) =>
    run(`keystone-manage ${commands.map((c) => c[0]).join(' + ')}`, [
      bins.python,
      '-c',
      [
        'import json, sys',
        'from keystone.cmd import cli',
        'for args in json.loads(sys.argv[2]):',
        "    cli.main(argv=['keystone-manage', '--config-file', sys.argv[1]] + args)",
        '    cli.CONF.reset()',
      ].join('\n'),
      keystoneConfPath,
      JSON.stringify(commands),
    ]);

  const daemons: Daemon[] = [];
  const commandLog: string[] = [];
  const logs = () => [...commandLog, ...daemons.map((d) => `===== ${d.name} (pid ${String(d.pid)}) =====\n${d.output().slice(-20_000)}`)].join('\n');
  let stopped = false;
  const stopAll = async () => {
    if (stopped) return;
    stopped = true;
    const pg = daemons.find((d) => d.name === 'postgres');
    const timed = async (d: Daemon, signal: NodeJS.Signals) => {
      const t0 = performance.now();
      // metricd (cotyledon) drains its workers on SIGTERM, seconds on a busy machine: nothing to keep here.
      await d.stop(signal, d.name === 'gnocchi-metricd' ? 2_000 : 5_000);
      timings[`stop ${d.name}`] = Math.round(performance.now() - t0);
    };
    await Promise.all(daemons.filter((d) => d !== pg).map((d) => timed(d, 'SIGTERM')));
    // SIGINT: PostgreSQL's fast shutdown (SIGTERM would wait for the clients to go).
    if (pg) await timed(pg, 'SIGINT');
    if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
    untrackDir(dir);
  };
  const daemon = (name: string, argv: string[], runAs?: RunAs) => {
    const d = startDaemon(name, bins.setpriv, argv, env, runAs);
    daemons.push(d);
    return d;
  };
  /** Waits for an HTTP answer, failing as soon as the process dies. */
  const serving = (d: Daemon, url: string) =>
    watch(d, `${d.name} serving ${url}`, async () => (await api(url, { expect: [200, 300], timeoutMs: 2_000 })).status, STEP_TIMEOUT_MS, 100);

  try {
    // PostgreSQL, then the Gnocchi schema, then the Gnocchi API and metricd.
    const postgres = (async () => {
      commandLog.push(
        await run(
          'initdb',
          [bins.initdb, '-D', layout.pgDir, '-U', 'postgres', '--auth=trust', '--no-sync', '--no-instructions', '-E', 'UTF8', '--locale=C.UTF-8'],
          pgUser,
        ),
      );
      mark('postgres initdb');
      const pg = daemon(
        'postgres',
        [bins.postgres, '-D', layout.pgDir, '-k', layout.pgSocketDir, '-p', String(layout.pgPort), ...POSTGRES_SETTINGS.flatMap((s) => ['-c', s])],
        pgUser,
      );
      await watch(
        pg,
        'postgres ready',
        () => Promise.resolve(/database system is ready to accept connections/.test(pg.output()) ? true : undefined),
        STEP_TIMEOUT_MS,
        50,
      );
      mark('postgres ready');
    })();
    const gnocchi = (async () => {
      await postgres;
      // The API loads (it reads no table before its first request) while gnocchi-upgrade creates the schema;
      // metricd needs the sacks that gnocchi-upgrade makes.
      const apiDaemon = daemon('gnocchi-api', [
        bins.uwsgi,
        ...uwsgiArgs(gnocchiPort, layout.gnocchiDir, 1, 8),
        // As Debian's gnocchi-api-uwsgi.ini: uWSGI's http-socket does not keep connections alive.
        '--add-header',
        'Connection: close',
        '--wsgi',
        'gnocchi.rest.wsgi',
        '--pyargv',
        `--config-file ${gnocchiConfPath}`,
      ]);
      commandLog.push(await run('gnocchi-upgrade', [bins.gnocchiUpgrade, '--config-file', gnocchiConfPath, '--sacks-number', '8']));
      mark('gnocchi-upgrade');
      daemon('gnocchi-metricd', [bins.gnocchiMetricd, '--config-file', gnocchiConfPath]);
      await serving(apiDaemon, `${gnocchiUrl}/`);
      mark('gnocchi-api serving');
    })();
    // Keystone: uWSGI loads the app (it reads no table before the first request) while keystone-manage fills the database.
    const keystone = (async () => {
      const ks = daemon('keystone', [
        bins.uwsgi,
        ...uwsgiArgs(keystonePort, layout.keystoneDir, 1, 8),
        // As Debian's keystone-uwsgi.ini: answers end when uWSGI closes the connection (it keeps none alive).
        '--rem-header',
        'Content-Length',
        '--wsgi-file',
        bins.keystoneWsgiPublic,
      ]);
      commandLog.push(
        await keystoneManage(
          ['db_sync'],
          [
            'bootstrap',
            '--bootstrap-username',
            'admin',
            '--bootstrap-password',
            adminPassword,
            '--bootstrap-project-name',
            'admin',
            '--bootstrap-role-name',
            'admin',
            '--bootstrap-service-name',
            'keystone',
            '--bootstrap-region-id',
            layout.region,
            '--bootstrap-public-url',
            keystoneUrl,
            '--bootstrap-internal-url',
            keystoneUrl,
          ],
        ),
      );
      mark('keystone db_sync + bootstrap');
      await serving(ks, keystoneUrl);
      mark('keystone serving');
    })();
    const identity = keystone.then(() => bootstrapKeystone(keystoneUrl, gnocchiUrl, layout, adminPassword));
    // The first failure fails the start at once (the catch below kills the rest); the others' later errors are expected.
    for (const p of [identity, gnocchi, postgres]) p.catch(() => undefined);
    const [ids] = await Promise.all([identity, gnocchi, postgres]);
    mark('keystone data');
    const data = await bootstrapGnocchi(gnocchiUrl, ids.adminToken, ids.projects);
    mark('gnocchi data');
    await refreshed(gnocchiUrl, ids.adminToken, data.instances);
    mark('measures processed');
    timings.total = Math.round(performance.now() - started);

    const expectedVcpusWithin = (lookbackMs: number, now = Date.now()) => expected(data.instances, now - lookbackMs);
    const adminToken = async () => (await issueToken(keystoneUrl, passwordAuth({ username: 'admin', password: adminPassword, project: 'admin' }))).token;
    return {
      dir,
      keystoneUrl,
      gnocchiUrl,
      region: layout.region,
      archivePolicy: ARCHIVE_POLICY,
      admin: ids.admin,
      exporter: ids.exporter,
      viewer: ids.viewer,
      projects: ids.projects,
      instances: data.instances,
      measuredAt: data.measuredAt,
      expectedVcpus: expectedVcpusWithin(3_600_000),
      expectedVcpusWithin,
      timings,
      token: async (who) => (await issueToken(keystoneUrl, 'secret' in who ? appCredentialAuth(who) : passwordAuth(who))).token,
      addMeasures: async (instanceId, measures, { refresh = true } = {}) => {
        const instance = findInstance(data.instances, instanceId);
        const token = await adminToken();
        const body = measures.map((m) => ({ timestamp: iso(m.at), value: m.value }));
        await api(`${gnocchiUrl}/v1/metric/${instance.metricId}/measures`, { token, body, expect: [202] });
        instance.measures = [...instance.measures, ...measures].sort((a, b) => a.at - b.at);
        instance.vcpus = last(instance.measures).value;
        if (refresh) await refreshed(gnocchiUrl, token, [instance]);
      },
      deleteInstance: async (instanceId, at = Date.now()) => {
        const instance = findInstance(data.instances, instanceId);
        await api(`${gnocchiUrl}/v1/resource/instance/${instance.id}`, {
          method: 'PATCH',
          token: await adminToken(),
          body: { ended_at: iso(at) },
          expect: [200],
        });
        instance.endedAt = at;
      },
      metricdBacklog: async () => backlog(gnocchiUrl, await adminToken()),
      pids: () => daemons.filter((d) => !d.exited()).map((d) => d.pid),
      logs,
      stop: stopAll,
    };
  } catch (err) {
    const text = logs();
    aborted.abort();
    await stopAll();
    const reason = err instanceof Error ? err.message : String(err);
    const message = `OpenStack harness failed to start after ${String(Math.round(performance.now() - started))} ms: ${reason}\n--- process output ---\n${text.slice(-30_000)}`;
    throw /Address already in use/.test(text) ? new PortTaken(message, { cause: err }) : new Error(message, { cause: err });
  }
}

/** `until`, but failing at once with the process output when `d` exits meanwhile. */
async function watch<T>(d: Daemon, what: string, fn: () => Promise<T | undefined>, timeoutMs: number, everyMs: number): Promise<T> {
  const died = Symbol('died');
  const value = await until<T | typeof died>(what, async () => (d.exited() ? died : fn()), timeoutMs, everyMs);
  if (value === died) throw new Error(`${d.name} (pid ${String(d.pid)}) exited while waiting for ${what}:\n${d.output().slice(-4000)}`);
  return value;
}

/** Two different free loopback ports (Keystone, Gnocchi). */
async function distinctPorts(): Promise<[number, number]> {
  const first = await freePort();
  for (;;) {
    const second = await freePort();
    if (second !== first) return [first, second];
  }
}

/** The element at `i`, which must exist. */
function at<T>(list: readonly T[], i: number): T {
  const value = list[i];
  if (value === undefined) throw new Error(`no element ${String(i)} in a list of ${String(list.length)}`);
  return value;
}

/** The last element of a list that must not be empty. */
function last<T>(list: readonly T[]): T {
  return at(list, list.length - 1);
}

interface Identities {
  adminToken: string;
  admin: HarnessUser;
  exporter: OpenStack['exporter'];
  viewer: HarnessUser;
  projects: HarnessProject[];
}

/** Projects, users, roles, the metric service and an application credential, through Keystone's API. */
async function bootstrapKeystone(keystoneUrl: string, gnocchiUrl: string, layout: Layout, adminPassword: string): Promise<Identities> {
  const adminAuth = await issueToken(keystoneUrl, passwordAuth({ username: 'admin', password: adminPassword, project: 'admin' }));
  const token = adminAuth.token;
  const adminProjectId = str(adminAuth.body, 'token', 'project', 'id');
  const adminUserId = str(adminAuth.body, 'token', 'user', 'id');
  const post = async (path: string, body: unknown, key: string): Promise<string> =>
    str((await api(`${keystoneUrl}${path}`, { token, body, expect: [201] })).json, key, 'id');

  const rolesBody = (await api(`${keystoneUrl}/roles`, { token })).json as { roles: Array<{ id: string; name: string }> };
  const role = (name: string) => {
    const r = rolesBody.roles.find((x) => x.name === name);
    if (!r) throw new Error(`Keystone has no role ${name} (roles: ${rolesBody.roles.map((x) => x.name).join(', ')})`);
    return r.id;
  };
  const projectNames = ['service', 'capacity-a', 'capacity-b', 'capacity-c'];
  const passwords = { gnocchi: layout.gnocchiServicePassword, exporter: randomBytes(12).toString('base64url'), viewer: randomBytes(12).toString('base64url') };
  const [projectIds, userIds, serviceId] = await Promise.all([
    Promise.all(projectNames.map((name) => post('/projects', { project: { name, domain_id: 'default', description: `harness project ${name}` } }, 'project'))),
    Promise.all(Object.entries(passwords).map(([name, password]) => post('/users', { user: { name, password, domain_id: 'default', enabled: true } }, 'user'))),
    post('/services', { service: { type: 'metric', name: 'gnocchi', description: 'OpenStack Metric Service' } }, 'service'),
  ]);
  const serviceProject = at(projectIds, 0);
  const capacity = projectIds.slice(1);
  const capacityA = at(capacity, 0);
  const [gnocchiUser, exporterUser, viewerUser] = [at(userIds, 0), at(userIds, 1), at(userIds, 2)];
  const grant = (project: string, user: string, roleId: string) =>
    api(`${keystoneUrl}/projects/${project}/users/${user}/roles/${roleId}`, { method: 'PUT', token, expect: [204] });
  await Promise.all([
    ...['public', 'internal', 'admin'].map((iface) =>
      post('/endpoints', { endpoint: { service_id: serviceId, interface: iface, url: gnocchiUrl, region_id: layout.region, enabled: true } }, 'endpoint'),
    ),
    grant(serviceProject, gnocchiUser, role('admin')),
    grant(adminProjectId, exporterUser, role('admin')),
    grant(capacityA, viewerUser, role('member')),
  ]);
  const exporterToken = (await issueToken(keystoneUrl, passwordAuth({ username: 'exporter', password: passwords.exporter, project: 'admin' }))).token;
  const credName = 'capacity-exporter';
  const cred = (
    await api(`${keystoneUrl}/users/${exporterUser}/application_credentials`, {
      token: exporterToken,
      body: { application_credential: { name: credName, description: 'the exporter (test harness)' } },
      expect: [201],
    })
  ).json;
  return {
    adminToken: token,
    admin: { id: adminUserId, name: 'admin', password: adminPassword, project: 'admin', projectId: adminProjectId },
    exporter: {
      id: exporterUser,
      name: 'exporter',
      password: passwords.exporter,
      project: 'admin',
      projectId: adminProjectId,
      applicationCredential: { id: str(cred, 'application_credential', 'id'), secret: str(cred, 'application_credential', 'secret'), name: credName },
    },
    viewer: { id: viewerUser, name: 'viewer', password: passwords.viewer, project: 'capacity-a', projectId: capacityA },
    projects: capacity.map((id, i) => ({ id, name: at(projectNames, i + 1) })),
  };
}

/** Archive policy, the `instance` resource type, instances, their measures and deletions, through Gnocchi's API. */
async function bootstrapGnocchi(gnocchiUrl: string, token: string, projects: HarnessProject[]): Promise<{ instances: HarnessInstance[]; measuredAt: number }> {
  const v1 = `${gnocchiUrl}/v1`;
  await Promise.all([
    api(`${v1}/archive_policy`, {
      token,
      body: {
        name: ARCHIVE_POLICY,
        back_window: 0,
        aggregation_methods: ['mean', 'min', 'max', 'last'],
        definition: [
          { granularity: 300, timespan: 86_400 },
          { granularity: 3600, timespan: 30 * 86_400 },
        ],
      },
      expect: [201],
    }),
    // What Ceilometer's gnocchi-upgrade creates for Nova instances (gnocchi-upgrade itself makes only `generic`).
    api(`${v1}/resource_type`, {
      token,
      body: {
        name: 'instance',
        attributes: {
          display_name: { type: 'string', required: true },
          flavor_name: { type: 'string', required: true },
          flavor_id: { type: 'string', required: true },
          host: { type: 'string', required: true },
          image_ref: { type: 'string', required: false },
          server_group: { type: 'string', required: false },
        },
      },
      expect: [201],
    }),
  ]);
  const now = Date.now();
  const userId = randomUUID().replace(/-/g, '');
  const instances = await Promise.all(
    PLAN.map(async (p, i): Promise<HarnessInstance> => {
      // Seconds within the minute vary, so that no two instances report at the same instant.
      const measures = p.measures.map(([minutesAgo, value]) => ({ at: now - minutesAgo * MINUTE - ((i * 7_919) % 50_000), value }));
      const id = randomUUID();
      const projectId = at(projects, p.project).id;
      const res = await api(`${v1}/resource/instance`, {
        token,
        body: {
          id,
          project_id: projectId,
          user_id: userId,
          started_at: iso(at(measures, 0).at - 30_000),
          display_name: p.name,
          flavor_name: p.flavor,
          flavor_id: p.flavor,
          host: `compute-${String(p.project)}`,
          image_ref: randomUUID(),
          metrics: { vcpus: { archive_policy_name: ARCHIVE_POLICY, unit: 'vcpu' } },
        },
        expect: [201],
      });
      const endedAt = p.endedMinutesAgo === undefined ? null : last(measures).at;
      return {
        id,
        projectId,
        displayName: p.name,
        flavorName: p.flavor,
        vcpus: last(measures).value,
        measures,
        metricId: str(res.json, 'metrics', 'vcpus'),
        endedAt,
      };
    }),
  );
  const batch = Object.fromEntries(instances.map((i) => [i.id, { vcpus: i.measures.map((m) => ({ timestamp: iso(m.at), value: m.value })) }]));
  await Promise.all([
    api(`${v1}/batch/resources/metrics/measures`, { token, body: batch, expect: [202] }),
    ...instances.flatMap((i) =>
      i.endedAt === null ? [] : [api(`${v1}/resource/instance/${i.id}`, { method: 'PATCH', token, body: { ended_at: iso(i.endedAt) }, expect: [200] })],
    ),
  ]);
  return { instances, measuredAt: now };
}

/**
 * Makes Gnocchi process every instance's measures now (`GET .../measures?refresh=true`
 * processes a metric's backlog in the API, whether or not metricd got to it
 * first), and checks that each metric's newest 300 s point is the expected value.
 */
async function refreshed(gnocchiUrl: string, token: string, instances: HarnessInstance[]): Promise<void> {
  await Promise.all(
    instances.map(async (i) => {
      const url = `${gnocchiUrl}/v1/metric/${i.metricId}/measures?refresh=true&granularity=300&aggregation=last`;
      const points = (await api(url, { token, timeoutMs: STEP_TIMEOUT_MS })).json as Array<[string, number, number]>;
      const newest = points.at(-1);
      if (newest?.[2] !== i.vcpus)
        throw new Error(`metric ${i.metricId} of ${i.displayName}: expected a newest value ${String(i.vcpus)}, got ${JSON.stringify(points)}`);
    }),
  );
}

/** metricd's backlog: measures posted and not yet processed. */
async function backlog(gnocchiUrl: string, token: string): Promise<number> {
  const status = (await api(`${gnocchiUrl}/v1/status?details=false`, { token })).json as { storage?: { summary?: { measures?: unknown } } };
  const n = status.storage?.summary?.measures;
  if (typeof n !== 'number') throw new Error(`unexpected /v1/status answer: ${JSON.stringify(status)}`);
  return n;
}

function findInstance(instances: HarnessInstance[], id: string): HarnessInstance {
  const found = instances.find((i) => i.id === id);
  if (!found) throw new Error(`the harness has no instance ${id}`);
  return found;
}

function expected(instances: HarnessInstance[], since: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of instances) {
    if (i.endedAt !== null) continue;
    const newest = last(i.measures);
    if (newest.at < since) continue;
    out[i.projectId] = (out[i.projectId] ?? 0) + newest.value;
  }
  return out;
}
