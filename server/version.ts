import { readFileSync } from 'node:fs';

let version: string | undefined;

/** The version in package.json, read once (importing JSON would need import attributes everywhere). */
export function readVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}
