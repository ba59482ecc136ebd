#!/usr/bin/env -S node --max-semi-space-size=16
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startExporter } from './app.js';
import { runOnce, UnknownTargetError } from './cli/once.js';
import { DEFAULT_CONFIG, USAGE } from './cli/usage.js';
import { exampleConfig } from './config/example.js';
import { ConfigError, loadConfigFile, type Config } from './config/load.js';
import { HEAP_NODE_OPTIONS, limitHeapGrowth, MALLOC_SETTINGS, mallocTuned, youngGenerationSized } from './heap.js';
import { createLogger, type LogFormat } from './log.js';
import { usersInOnePlace } from './server-auth.js';
import { sources } from './sources/registry.js';
import { version } from './version.js';
import { loadWebConfig, createWebSecurity, WebConfigError, type WebConfig } from './web/index.js';

const SHUTDOWN_LIMIT_MS = 10_000;
const LOG_FORMATS = ['auto', 'json', 'pretty'];

function exit(message: string, code: number): never {
  (code === 0 ? process.stdout : process.stderr).write(message.endsWith('\n') ? message : `${message}\n`);
  process.exit(code);
}

function parse<T extends NonNullable<Parameters<typeof parseArgs>[0]>['options']>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    exit(`${(err as Error).message}\n\n${USAGE}`, 2);
  }
}

/** The config file and its reader: the file, then the environment, then the command line's overrides. */
function configSource(flags: { config?: string; port?: string; logLevel?: string; logFormat?: string }): { file: string; load: () => Config } {
  const file = flags.config ?? process.env.CAPACITY_EXPORTER_CONFIG ?? DEFAULT_CONFIG;
  if (!flags.config && !process.env.CAPACITY_EXPORTER_CONFIG && !existsSync(file)) {
    exit(`no config file: pass --config FILE or set CAPACITY_EXPORTER_CONFIG (${DEFAULT_CONFIG} does not exist)`, 2);
  }
  if (flags.logFormat !== undefined && !LOG_FORMATS.includes(flags.logFormat)) exit(`--log-format: must be one of ${LOG_FORMATS.join(', ')}`, 2);
  const load = () => {
    const env = { ...process.env };
    if (flags.logLevel) env.CAPACITY_EXPORTER_LOG_LEVEL = flags.logLevel;
    if (flags.port) env.CAPACITY_EXPORTER_PORT = flags.port;
    const config = loadConfigFile(file, sources, { env });
    if (flags.logFormat) config.log.format = flags.logFormat as LogFormat;
    return config;
  };
  return { file, load };
}

function invalid(file: string, err: unknown): never {
  if (err instanceof ConfigError || err instanceof WebConfigError) exit(`${file}: invalid configuration:\n  ${err.problems.join('\n  ')}`, 2);
  throw err;
}

async function run(args: string[]): Promise<void> {
  const flags = parse(args, {
    config: { type: 'string' },
    'web.config.file': { type: 'string' },
    'check-config': { type: 'boolean', default: false },
    port: { type: 'string' },
    'log-level': { type: 'string' },
    'log-format': { type: 'string' },
    'example-config': { type: 'boolean', default: false },
    version: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (flags.help) exit(USAGE, 0);
  if (flags.version) exit(version, 0);
  if (flags['example-config']) exit(JSON.stringify(exampleConfig(sources), null, 2), 0);

  const webFile = flags['web.config.file'];
  let web: WebConfig | undefined;
  try {
    web = webFile ? loadWebConfig(webFile) : undefined;
  } catch (err) {
    invalid(webFile!, err);
  }
  const { file, load: loadFile } = configSource({ config: flags.config, port: flags.port, logLevel: flags['log-level'], logFormat: flags['log-format'] });
  let config: Config;
  try {
    config = loadFile();
    const clash = usersInOnePlace(config.server.auth, web?.users.size ?? 0);
    if (clash.length) throw new ConfigError(clash);
  } catch (err) {
    invalid(file, err);
  }
  if (flags['check-config'])
    exit(`${file}: configuration is valid (${config.targets.length} targets)${webFile ? `; ${webFile}: web configuration is valid` : ''}`, 0);

  const log = createLogger({ level: config.log.level, format: config.log.format });
  limitHeapGrowth();
  if (!youngGenerationSized()) {
    log.warn(
      { nodeOptions: HEAP_NODE_OPTIONS },
      `node was started without ${HEAP_NODE_OPTIONS}: its young generation can take about 100 MB more memory; set NODE_OPTIONS=${HEAP_NODE_OPTIONS} (the image and the systemd unit do)`,
    );
  }
  if (!mallocTuned()) {
    log.warn(
      { env: MALLOC_SETTINGS },
      `node was started without ${MALLOC_SETTINGS}: glibc's malloc lets its RSS creep up by a few MB every 10 minutes; set them in its environment (the image and the systemd unit do)`,
    );
  }
  const exporter = await startExporter({
    config,
    reload: loadFile,
    web: web && createWebSecurity(web, log),
    log,
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    exporter.close().then(
      () => log.flush(() => process.exit(0)),
      (err: unknown) => {
        log.error({ err }, 'error during shutdown');
        log.flush(() => process.exit(1));
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // reload() logs its own outcome; anything it still throws is logged, never a crash.
  process.on('SIGHUP', () => void exporter.reload('SIGHUP').catch((err: unknown) => log.error({ err }, 'configuration reload failed')));
}

async function once(args: string[]): Promise<void> {
  const flags = parse(args, {
    config: { type: 'string' },
    target: { type: 'string', multiple: true, default: [] },
    format: { type: 'string', default: 'prom' },
    'log-level': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (flags.help) exit(USAGE, 0);
  if (flags.format !== 'prom' && flags.format !== 'table') exit(`--format: must be prom or table, not "${flags.format}"`, 2);
  const { file, load } = configSource({ config: flags.config, logLevel: flags['log-level'] ?? 'warn' });
  let config: Config;
  try {
    config = load();
  } catch (err) {
    invalid(file, err);
  }
  const log = createLogger({ level: config.log.level, format: config.log.format, fd: 2 });
  try {
    const { ok, output } = await runOnce({ config, select: flags.target, format: flags.format, log });
    process.stdout.write(output);
    await new Promise<void>((resolve) => log.flush(() => resolve()));
    process.exit(ok ? 0 : 1);
  } catch (err) {
    if (err instanceof UnknownTargetError) exit(`--target: ${err.message}`, 2);
    throw err;
  }
}

const [command, ...rest] = process.argv.slice(2);
(command === 'once' ? once(rest) : run(process.argv.slice(2))).catch((err: unknown) => {
  process.stderr.write(`capacity-exporter: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
