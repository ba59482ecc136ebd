import astakos from './astakos/index.js';
import gnocchi from './gnocchi/index.js';
import intercloud from './intercloud/index.js';
import ixapi from './ixapi/index.js';
import type { SourceDefinition } from './types.js';

/** Every source kind the exporter knows; a new source adds itself here and nowhere else. */
export const sources: SourceDefinition[] = [intercloud, gnocchi, astakos, ixapi] as unknown as SourceDefinition[];
