import { existsSync, readFileSync } from 'node:fs';

/** The package version, from the package.json above this module (src/, dist/ or dist-bench/src/). */
function readVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    const url = new URL(rel, import.meta.url);
    if (existsSync(url)) return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  }
  return '0.0.0';
}

export const version = readVersion();
