import type { SourceDefinition } from './types.js';

/** Every source kind the exporter knows; a new source adds itself here and nowhere else. */
export const sources: SourceDefinition[] = [];
