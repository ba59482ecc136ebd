/**
 * A convict schema, loosely typed: convict's own types cannot express a
 * schema assembled from the fragments of several source kinds.
 */
export type ConfigSchema = { [key: string]: SchemaEntry | ConfigSchema };
export interface SchemaEntry {
  doc?: string;
  format: unknown;
  default: unknown;
  sensitive?: boolean;
  nullable?: boolean;
  env?: string;
  /** Marks `x` as a secret with an `xFile` twin. */
  secret?: boolean;
  /** For arrays of objects: the schema of each element. */
  items?: ConfigSchema;
  /** A string that may also be written as a JSON object or array; either way the value is a string (JSON-encoded). */
  jsonText?: boolean;
}

/** A leaf of the schema (it has a default), as opposed to a nested section. */
export function isEntry(node: SchemaEntry | ConfigSchema): node is SchemaEntry {
  return Object.prototype.hasOwnProperty.call(node, 'default');
}

/**
 * A secret key `name` and its twin `nameFile`, whose file content (without a
 * trailing newline) is used instead. Giving both is an error; so is a file that
 * cannot be read.
 */
export function secretField(name: string, doc: string): ConfigSchema {
  return {
    [name]: { doc, format: String, default: '', sensitive: true, secret: true },
    [`${name}File`]: { doc: `File holding ${name} (e.g. a mounted Kubernetes secret)`, format: String, default: '' },
  };
}

/**
 * An array of objects, each validated against `items` (unknown keys are
 * errors, defaults filled in, secrets resolved, error paths like `queries[2].name`).
 */
export function objectArray(items: ConfigSchema, doc: string, defaultValue: unknown[] = []): SchemaEntry {
  return { doc, format: Array, default: defaultValue, items };
}
