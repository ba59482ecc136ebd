import { readFileSync } from 'node:fs';
import convict from 'convict';
import { registerSecret } from '../log.js';
import type { Source, TargetConfig } from '../core/source.js';
import { isEntry, type ConfigSchema } from './fields.js';
import { DURATION_FORMATS, registerFormats } from './formats.js';
import { processSchema, targetSchema } from './schema.js';

export interface ServerConfig {
  host: string;
  port: number;
  auth: { bearerToken: string; basic: { username: string; password: string } };
}

export interface ConfiguredTarget {
  source: Source;
  config: TargetConfig;
}

export interface Config {
  server: ServerConfig;
  log: { level: string; format: 'auto' | 'json' | 'pretty' };
  collection: { maxStaleness: number; startupJitter: number };
  targets: ConfiguredTarget[];
}

/** Every problem of a configuration, each as `key.path: reason`. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export interface ParseOptions {
  /** Environment for CAPACITY_EXPORTER_* overrides; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

/** Validates a parsed config file against the schema of the process and of every source kind. */
export function parseConfig(raw: unknown, registry: readonly Source[], opts: ParseOptions = {}): Config {
  registerFormats();
  const problems: string[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(['(root): must be a JSON object']);
  }
  raw = withoutDocs(raw);
  const top: ConfigSchema = processSchema();
  for (const def of registry) top[def.kind] = { doc: `${def.kind} targets`, format: Array, default: [] };
  // convict filled in every key of the schema, which these types describe.
  const base = validateSection(top, raw, '', problems, opts.env ?? process.env) as Omit<Config, 'targets'> | undefined;

  const targets: ConfiguredTarget[] = [];
  for (const def of registry) {
    const items = (raw as Record<string, unknown>)[def.kind];
    if (!Array.isArray(items)) continue;
    const schema = targetSchema(def);
    const seen = new Set<string>();
    items.forEach((item, i) => {
      const path = `${def.kind}[${i}]`;
      const before = problems.length;
      const rawName = (item as { name?: unknown } | null)?.name ?? def.kind;
      if (typeof rawName === 'string') {
        if (seen.has(rawName)) problems.push(`${path}.name: duplicate target name "${rawName}" in ${def.kind}`);
        seen.add(rawName);
      }
      const config = validateSection(schema, item, path, problems, {}) as TargetConfig | undefined;
      if (!config || problems.length > before) return;
      if (!config.baseUrl && !def.optionalBaseUrl) problems.push(`${path}.baseUrl: is required`);
      if (config.tls.caFile) {
        try {
          readFileSync(config.tls.caFile);
        } catch (err) {
          problems.push(`${path}.tls.caFile: cannot read ${config.tls.caFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
      }
      for (const [key, reason] of def.check(config)) problems.push(`${path}.${key}: ${reason}`);
      targets.push({ source: def, config });
    });
  }
  if (!base || problems.length) throw new ConfigError(problems);
  return { server: base.server, log: base.log, collection: base.collection, targets };
}

/** Reads and parses a config file; an unreadable file or bad JSON is a ConfigError too. */
export function loadConfigFile(file: string, registry: readonly Source[], opts: ParseOptions = {}): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`(file): cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError([`(file): ${file} is not valid JSON: ${(err as Error).message}`]);
  }
  return parseConfig(raw, registry, opts);
}

/**
 * Validates one object against a schema with convict (unknown keys are errors),
 * then its arrays of objects element by element, then reads the `xFile` twins
 * of its secrets. Problems are appended with their full key path.
 */
function validateSection(schema: ConfigSchema, value: unknown, path: string, problems: string[], env: NodeJS.ProcessEnv): Record<string, unknown> | undefined {
  const prefix = path ? `${path}.` : '';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${path || '(root)'}: must be an object`);
    return undefined;
  }
  const conf = convict(schema as convict.Schema<Record<string, unknown>>, { env, args: [] });
  const report = (err: unknown) => {
    for (const line of (err as Error).message.split('\n')) problems.push(prefix + convictProblem(line));
  };
  try {
    conf.load(prepared(schema, value as Record<string, unknown>));
  } catch (err) {
    report(err);
    return undefined;
  }
  let valid = true;
  try {
    conf.validate({ allowed: 'strict' });
  } catch (err) {
    report(err);
    valid = false;
  }
  const props = conf.getProperties();
  // Nested lists are checked whatever their section's own keys say, so that one pass reports every problem.
  resolveNested(schema, props, prefix, problems);
  return valid ? props : undefined;
}

function resolveNested(schema: ConfigSchema, props: Record<string, unknown>, prefix: string, problems: string[]): void {
  for (const [key, node] of Object.entries(schema)) {
    if (isEntry(node)) {
      if (node.items && Array.isArray(props[key])) {
        props[key] = (props[key] as unknown[]).map((item, i) => validateSection(node.items!, item, `${prefix}${key}[${i}]`, problems, {}));
      }
      if (node.secret) resolveSecret(props, key, prefix, problems);
    } else if (typeof props[key] === 'object' && props[key] !== null) {
      resolveNested(node, props[key] as Record<string, unknown>, `${prefix}${key}.`, problems);
    }
  }
}

function resolveSecret(props: Record<string, unknown>, key: string, prefix: string, problems: string[]): void {
  const fileKey = `${key}File`;
  const file = props[fileKey];
  if (typeof file === 'string' && file !== '') {
    if (props[key]) {
      problems.push(`${prefix}${key}: give either ${key} or ${fileKey}, not both`);
      return;
    }
    try {
      props[key] = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      problems.push(`${prefix}${fileKey}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return;
    }
    if (props[key] === '') problems.push(`${prefix}${fileKey}: ${file} is empty`);
  }
  registerSecret(props[key] as string);
}

/**
 * What convict cannot be told through a format: an object given for a string
 * key would be read as nested keys, so such keys take it as JSON text; a
 * number given for a duration is made a string, which the format then refuses.
 */
function prepared(schema: ConfigSchema, value: Record<string, unknown>): Record<string, unknown> {
  const out = { ...value };
  for (const [key, node] of Object.entries(schema)) {
    const v = out[key];
    if (isEntry(node)) {
      if (node.jsonText && typeof v === 'object' && v !== null) out[key] = JSON.stringify(v);
      else if (typeof v === 'number' && DURATION_FORMATS.has(node.format)) out[key] = String(v);
    } else if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      out[key] = prepared(node, v as Record<string, unknown>);
    }
  }
  return out;
}

/** `"_doc"` keys are comments for the reader (config.example.json uses them), not settings. */
function withoutDocs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDocs);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== '_doc')
      .map(([k, v]) => [k, withoutDocs(v)]),
  );
}

function convictProblem(line: string): string {
  const unknown = line.match(/^configuration param '(.+)' not declared in the schema$/);
  if (unknown) return `${unknown[1]}: unknown key`;
  return line.replace(/: value was .*$/s, '');
}
