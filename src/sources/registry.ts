import type { Source } from '../core/source.js';
import astakos from './astakos/index.js';
import gnocchi from './gnocchi/index.js';
import intercloud from './intercloud/index.js';
import ixapi from './ixapi/index.js';

/** Every source kind the exporter knows; a new source adds itself here. */
export const sources: readonly Source[] = [intercloud, gnocchi, astakos, ixapi];
