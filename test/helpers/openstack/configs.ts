import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Paths and ports of one harness instance. */
export interface Layout {
  dir: string;
  pgDir: string;
  pgSocketDir: string;
  pgPort: number;
  keystoneDir: string;
  keystonePort: number;
  gnocchiDir: string;
  gnocchiPort: number;
  region: string;
  /** Keystone's token lifetime. */
  tokenTtlSeconds: number;
  /** The service user keystonemiddleware (in Gnocchi) authenticates as. */
  gnocchiServicePassword: string;
}

/**
 * Keystone 22: sqlite, Fernet tokens, an in-process cache (without one every
 * token validation takes a second of CPU on a small machine), bcrypt at its
 * lowest cost so that password checks do not dominate the start-up.
 */
export function keystoneConf(l: Layout): string {
  return `[DEFAULT]
use_stderr = true
debug = false

[database]
# Keystone's uWSGI threads share the engine: a connection may be closed by another thread than its own.
connection = sqlite:///${l.keystoneDir}/keystone.db?check_same_thread=false
sqlite_synchronous = false

[identity]
password_hash_algorithm = bcrypt
password_hash_rounds = 4

[token]
provider = fernet
expiration = ${String(l.tokenTtlSeconds)}

[fernet_tokens]
key_repository = ${l.keystoneDir}/fernet-keys
max_active_keys = 3

[fernet_receipts]
key_repository = ${l.keystoneDir}/fernet-keys

[credential]
key_repository = ${l.keystoneDir}/credential-keys

[cache]
enabled = true
backend = dogpile.cache.memory
`;
}

/** PostgreSQL through its Unix socket in the temp dir (no TCP port at all). */
function indexerUrl(l: Layout): string {
  return `postgresql://postgres@/postgres?host=${l.pgSocketDir}&port=${String(l.pgPort)}`;
}

/**
 * Gnocchi 4.4.2: indexer and coordination in PostgreSQL, storage and incoming
 * measures in files, keystonemiddleware against our Keystone, metricd polling
 * every second with one worker.
 */
export function gnocchiConf(l: Layout): string {
  const keystone = `http://127.0.0.1:${String(l.keystonePort)}`;
  return `[DEFAULT]
debug = false
verbose = true
coordination_url = ${indexerUrl(l)}
parallel_operations = 2

[indexer]
url = ${indexerUrl(l)}

[storage]
driver = file
file_basepath = ${l.gnocchiDir}/storage

[incoming]
driver = file
file_basepath = ${l.gnocchiDir}/storage

[metricd]
workers = 1
metric_processing_delay = 1
metric_reporting_delay = -1
metric_cleanup_delay = 30
processing_replicas = 1

[api]
auth_mode = keystone
paste_config = ${l.gnocchiDir}/api-paste.ini
operation_timeout = 10

[oslo_policy]
policy_file = /usr/lib/python3/dist-packages/gnocchi/rest/policy.yaml

[keystone_authtoken]
# No token cache (production keeps validated tokens 300 s): a revoked token is refused at once, so
# the exporter's re-authentication after a 401 can be tested without waiting.
token_cache_time = -1
www_authenticate_uri = ${keystone}/v3
auth_url = ${keystone}/v3
auth_type = password
username = gnocchi
password = ${l.gnocchiServicePassword}
user_domain_id = default
project_name = service
project_domain_id = default
interface = public
region_name = ${l.region}
`;
}

/**
 * Gnocchi's own api-paste.ini with two changes: keystonemiddleware reads our
 * config file (with only `oslo_config_project = gnocchi` it would read
 * /etc/gnocchi/gnocchi.conf), and the healthcheck's disable file is ours.
 */
export function gnocchiPaste(l: Layout, shipped = '/usr/lib/python3/dist-packages/gnocchi/rest/api-paste.ini'): string {
  const text = readFileSync(shipped, 'utf8');
  return text
    .replace(/^oslo_config_project = gnocchi$/gm, `oslo_config_project = gnocchi\noslo_config_file = ${l.gnocchiDir}/gnocchi.conf`)
    .replace(/^disable_by_file_path = .*$/gm, `disable_by_file_path = ${l.gnocchiDir}/healthcheck_disable`);
}

/**
 * A Fernet key exactly as `keystone-manage fernet_setup`/`credential_setup`
 * write them (cryptography's Fernet.generate_key(): 32 random bytes, urlsafe
 * base64): written from Node, they save two Python start-ups (~7 s of CPU).
 */
export function fernetKey(): string {
  return randomBytes(32).toString('base64url') + '=';
}

/** PostgreSQL settings for a throwaway cluster. */
export const POSTGRES_SETTINGS = [
  'fsync=off',
  'synchronous_commit=off',
  'full_page_writes=off',
  'shared_buffers=32MB',
  'max_connections=60',
  // No TCP socket: only the Unix socket in the temp dir.
  'listen_addresses=',
];

/** uWSGI as Debian's gnocchi-api / keystone init scripts run it (their .ini files), sized down for a test. */
export function uwsgiArgs(port: number, chdir: string, processes: number, threads: number): string[] {
  return [
    '--plugin',
    'python3',
    '--http-socket',
    `127.0.0.1:${String(port)}`,
    '--master',
    '--processes',
    String(processes),
    '--threads',
    String(threads),
    '--enable-threads',
    '--thunder-lock',
    '--lazy-apps',
    '--no-orphans',
    '--die-on-term',
    '--need-app',
    '--buffer-size',
    '65535',
    '--listen',
    '100',
    '--chdir',
    chdir,
  ];
}
