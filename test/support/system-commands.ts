/**
 * Tests use real system tools (tar, xz, zip, minisign, …). When one is missing the test fails
 * with a message that says what to install, instead of an obscure spawn error.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { findExecutable } from '../../src/install/system-tools.js';

const PACKAGES: Record<string, string> = {
  minisign: 'minisign',
  xz: 'xz-utils',
  zstd: 'zstd',
  bzip2: 'bzip2',
  zip: 'zip',
  tar: 'tar',
  gzip: 'gzip',
};

export function requireCommand(name: string): string {
  const found = findExecutable(name);
  if (!found) {
    throw new Error(`This test needs the "${name}" command: install it with \`apt-get install -y ${PACKAGES[name] ?? name}\`.`);
  }
  return found;
}

/** Runs a command and throws with its stderr when it fails. */
export function run(command: string, args: string[], options: SpawnSyncOptions = {}): string {
  requireCommand(command);
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${String(result.stderr)}`);
  }
  return String(result.stdout);
}
