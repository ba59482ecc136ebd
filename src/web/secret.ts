import { inspect } from 'node:util';

const HIDDEN = '<secret>';

/**
 * A configured value that must never reach a log line or an error message:
 * a private key given inline, a bcrypt hash. Whatever serialises it (pino's
 * JSON, util.inspect, string interpolation) sees "<secret>", as
 * exporter-toolkit's config_util.Secret marshals; only reveal() gives the value.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return HIDDEN;
  }

  toString(): string {
    return HIDDEN;
  }

  [inspect.custom](): string {
    return HIDDEN;
  }
}
