#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startExporter } from './app.js';
import { exampleConfig } from './config/example.js';
import { ConfigError, loadConfigFile, type Config } from './config/load.js';
import { createLogger, type LogFormat } from './log.js';
import { sources } from './sources/registry.js';
import { version } from './version.js';

const DEFAULT_CONFIG = '/etc/capacity-exporter/config.json';
const SHUTDOWN_LIMIT_MS = 10_000;

const USAGE = `usage: capacity-exporter [--config FILE] [--check-config] [--port N] [--log-level L] [--log-format F]

  --config FILE     config file (default: $CAPACITY_EXPORTER_CONFIG, else ${DEFAULT_CONFIG})
  --check-config    validate the config, print every problem, exit 0 if valid and 2 if not
  --port N          listen port (overrides server.port and $CAPACITY_EXPORTER_PORT)
  --log-level L     fatal, error, warn, info, debug, trace or silent
  --log-format F    json, pretty or auto
  --example-config  print a config with every key, its default and its description
  --version         print the version
`;

function exit(message: string, code: number): never {
  (code === 0 ? process.stdout : process.stderr).write(message.endsWith('\n') ? message : `${message}\n`);
  process.exit(code);
}

function parseCli() {
  try {
    return parseArgs({
      options: {
        config: { type: 'string' },
        'check-config': { type: 'boolean', default: false },
        port: { type: 'string' },
        'log-level': { type: 'string' },
        'log-format': { type: 'string' },
        'example-config': { type: 'boolean', default: false },
        version: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    exit(`${(err as Error).message}\n\n${USAGE}`, 2);
  }
}

async function main(): Promise<void> {
  const args = parseCli();
  if (args.help) exit(USAGE, 0);
  if (args.version) exit(version, 0);
  if (args['example-config']) {
    process.stdout.write(`${JSON.stringify(exampleConfig(sources), null, 2)}\n`);
    return;
  }

  const file = args.config ?? process.env.CAPACITY_EXPORTER_CONFIG ?? DEFAULT_CONFIG;
  if (!args.config && !process.env.CAPACITY_EXPORTER_CONFIG && !existsSync(file)) {
    exit(`no config file: pass --config FILE or set CAPACITY_EXPORTER_CONFIG (${DEFAULT_CONFIG} does not exist)`, 2);
  }
  const env = { ...process.env };
  if (args['log-level']) env.CAPACITY_EXPORTER_LOG_LEVEL = args['log-level'];
  if (args.port) env.CAPACITY_EXPORTER_PORT = args.port;

  let config: Config;
  try {
    config = loadConfigFile(file, sources, { env });
    if (args['log-format']) {
      if (!['auto', 'json', 'pretty'].includes(args['log-format'])) throw new ConfigError([`--log-format: must be one of auto, json, pretty`]);
      config.log.format = args['log-format'] as LogFormat;
    }
  } catch (err) {
    if (err instanceof ConfigError) exit(`${file}: invalid configuration:\n  ${err.problems.join('\n  ')}`, 2);
    throw err;
  }
  if (args['check-config']) {
    process.stdout.write(`${file}: configuration is valid (${config.targets.length} targets)\n`);
    return;
  }

  const log = createLogger({ level: config.log.level, format: config.log.format });
  const exporter = await startExporter({ config, log });

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
}

main().catch((err: unknown) => {
  process.stderr.write(`capacity-exporter: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
