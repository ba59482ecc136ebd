import type { Source } from '../core/source.js';
import { isEntry, type ConfigSchema } from './fields.js';
import { processSchema, targetSchema } from './schema.js';

/** Every key of a schema with its default; `_doc` maps each key to its description. */
function section(schema: ConfigSchema): Record<string, unknown> {
  const docs: Record<string, string> = {};
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(schema)) {
    if (isEntry(node)) {
      if (node.doc) docs[key] = node.doc;
      out[key] = node.items ? [section(node.items)] : node.default;
    } else {
      out[key] = section(node);
    }
  }
  return Object.keys(docs).length ? { _doc: docs, ...out } : out;
}

/**
 * config.example.json: every key of the process and of every source kind
 * with its default, and one example target per kind. `_doc` keys are
 * ignored by the loader.
 */
export function exampleConfig(registry: readonly Source[]): Record<string, unknown> {
  const out: Record<string, unknown> = {
    _doc: 'Every key with its default. Keep the source kinds you use, fill in their baseUrl and auth (the secrets preferably as *File paths), delete the rest; then check with --check-config.',
    ...section(processSchema()),
  };
  for (const def of registry) {
    const target = section(targetSchema(def));
    target.baseUrl = `https://${def.kind}.example`;
    out[def.kind] = [target];
  }
  return out;
}
