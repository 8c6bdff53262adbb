/**
 * Tests use real system tools (tar, xz, zip, minisign, git, …). `tar`, `gzip` and coreutils are on
 * every Debian/Ubuntu machine; the others may be missing on a fresh one, where a test that needs
 * one is skipped with a reason that names it, and its neighbours still run:
 *
 *   it('unpacks .tar.bz2', skipWithout('bzip2'), async () => { … });
 *   describe('interop with minisign', skipWithout('minisign'), () => { before(…); it(…); });
 *
 * A skipped `describe` runs none of its hooks, so setup that needs a tool belongs in a `before`
 * inside it, never at the top level of the file (a failing top-level `before` cancels every test
 * of the file). `after` hooks must cope with a setup that never ran (`await dist?.close()`).
 *
 * `run` and `requireCommand` still throw, with an install hint, when a test without
 * `skipWithout` reaches for a missing tool.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { zlibZstdDecoder } from '../../src/install/decompress.js';
import { findExecutable } from '../../src/install/system-tools.js';

/** The Debian package of each tool tests may use (`.ci/run` installs them). */
const PACKAGES: Record<string, string> = {
  minisign: 'minisign',
  xz: 'xz-utils',
  zstd: 'zstd',
  bzip2: 'bzip2',
  zip: 'zip',
  tar: 'tar',
  gzip: 'gzip',
  git: 'git',
  zsh: 'zsh',
  fish: 'fish',
  openssl: 'openssl',
  'docker-registry': 'docker-registry',
};

function installHint(name: string): string {
  return `apt-get install -y ${PACKAGES[name] ?? name}`;
}

/** Whether `name` is an executable on PATH. */
export function hasCommand(name: string): boolean {
  return findExecutable(name) !== undefined;
}

/**
 * Test options that skip a test (or a whole `describe`) when any of `names` is not on PATH, with
 * a reason naming the missing tools and their packages; `{}` when all are present. Spread it to
 * add other options: `{ ...skipWithout('zip'), timeout: 10_000 }`.
 */
export function skipWithout(...names: string[]): { skip?: string } {
  const missing = names.filter((name) => !hasCommand(name));
  if (missing.length === 0) return {};
  const packages = [...new Set(missing.map((name) => PACKAGES[name] ?? name))].join(' ');
  const tools = missing.map((name) => `"${name}"`).join(', ');
  return { skip: `needs the ${tools} command${missing.length > 1 ? 's' : ''} (apt-get install ${packages})` };
}

/** Decoding zstd needs node:zlib's decoder where it refuses a cut stream (Node 24), or the `zstd` command. */
export function skipWithoutZstdDecoder(): { skip?: string } {
  return zlibZstdDecoder() ? {} : skipWithout('zstd');
}

export function requireCommand(name: string): string {
  const found = findExecutable(name);
  if (!found) {
    throw new Error(`This test needs the "${name}" command: install it with \`${installHint(name)}\`, or mark the test with skipWithout('${name}').`);
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
