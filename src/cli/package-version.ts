/**
 * This CLI's own version (`proto --version`), read from package.json: what `protoCompatibility`
 * rules of index plugins are checked against.
 */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function packageVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}
