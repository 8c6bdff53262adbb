/**
 * This CLI's own version (`proto --version`), read from package.json: what `protoCompatibility`
 * rules of index plugins are checked against.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { moduleDir } from '../module-dir.js';

let cached: string | undefined;

export function packageVersion(): string {
  cached ??= (JSON.parse(readFileSync(join(moduleDir(import.meta.dirname, import.meta.url), '../../package.json'), 'utf8')) as { version: string }).version;
  return cached;
}
