/**
 * A dist tree for the disttool fixture plugin, made with real tools: for each version, a
 * `disttool-v<V>-<os>-<arch>.tar.gz` (system tar) holding `bin/disttool` and `bin/dtx` shell
 * scripts, a `SHASUMS256.txt` (coreutils sha256sum), and an `index.json` listing the versions.
 */
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectHost } from '../../src/host/index.js';
import { startDistServer, type DistServer } from '../../test-utils/index.js';
import { repoRoot } from './fixtures.js';
import { run } from './system-commands.js';
import { removeAtExit } from '../../test-utils/remove-at-exit.js';

export interface DisttoolRelease {
  version: string;
  lts?: string;
}

export const DEFAULT_RELEASES: DisttoolRelease[] = [
  { version: '1.0.0', lts: 'argon' },
  { version: '1.4.2', lts: 'argon' },
  { version: '2.0.0', lts: 'boron' },
  { version: '2.1.0' },
  { version: '3.0.0-rc.1' },
];

export interface DisttoolDist {
  /** Root of the served tree. */
  dir: string;
  server: DistServer;
  /** `<server>/` base URL to put in the plugin's `dist-url`. */
  url: string;
  releases: DisttoolRelease[];
  close(): Promise<void>;
}

/** The script each release installs as `bin/disttool`: prints its version and arguments; `exit N` exits with N. */
export function disttoolScript(version: string): string {
  return `#!/bin/sh\nif [ "$1" = exit ]; then exit "$2"; fi\necho "disttool ${version} $*"\n`;
}

/** The name of a release's archive, without `.tar.gz`, as the disttool plugin asks for it on `platform`. */
export function disttoolArchiveName(version: string, platform = detectHost()): string {
  return `disttool-v${version}-${platform.os}-${platform.arch}`;
}

export function buildDisttoolDist(dir: string, releases: DisttoolRelease[] = DEFAULT_RELEASES, platform = detectHost()): void {
  for (const { version } of releases) {
    const name = disttoolArchiveName(version, platform);
    const work = join(dir, '.work', name);
    mkdirSync(join(work, 'bin'), { recursive: true });
    writeFileSync(join(work, 'bin/disttool'), disttoolScript(version));
    writeFileSync(join(work, 'bin/dtx'), `#!/bin/sh\necho "dtx ${version} via=\${DTX_VIA:-direct}\${HOOKED_BY:+ hooked=\$HOOKED_BY} $*"\n`);
    chmodSync(join(work, 'bin/disttool'), 0o755);
    chmodSync(join(work, 'bin/dtx'), 0o755);
    const versionDir = join(dir, `v${version}`);
    mkdirSync(versionDir, { recursive: true });
    run('tar', ['-czf', join(versionDir, `${name}.tar.gz`), '-C', join(dir, '.work'), name]);
    const sums = run('sha256sum', [`${name}.tar.gz`], { cwd: versionDir });
    writeFileSync(join(versionDir, 'SHASUMS256.txt'), sums);
  }
  rmSync(join(dir, '.work'), { recursive: true, force: true });
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ versions: releases }));
}

/**
 * A dist tree made by buildDisttoolDist once for these releases, this platform and this file's
 * text, kept in node_modules/.cache: some 35 test files and children start a dist server, and each
 * build ran tar and sha256sum five times each (~60 ms of CPU). Several processes may make it at
 * once: each builds its own and renames it into place; the first one there is kept.
 */
function builtDist(releases: DisttoolRelease[], platform = detectHost()): string {
  const code = readFileSync(fileURLToPath(import.meta.url), 'utf8');
  const key = createHash('sha256').update(JSON.stringify([releases, platform.os, platform.arch, code])).digest('hex').slice(0, 16);
  const dir = join(repoRoot, 'node_modules/.cache/proto-test-dists', key);
  if (existsSync(join(dir, 'index.json'))) return dir;
  const building = `${dir}.${process.pid}.tmp`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  buildDisttoolDist(building, releases, platform);
  try {
    renameSync(building, dir);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    // Another process put its tree there first; any other failure is this one's to report.
    if (!existsSync(join(dir, 'index.json'))) throw error;
  }
  return dir;
}

export async function startDisttoolDist(releases: DisttoolRelease[] = DEFAULT_RELEASES): Promise<DisttoolDist> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'disttool-dist-')));
  const remove = removeAtExit(dir);
  let server: DistServer;
  try {
    // A copy: tests may change their tree (add a release, replace an archive).
    cpSync(builtDist(releases), dir, { recursive: true });
    server = await startDistServer({ root: dir });
  } catch (error) {
    remove();
    throw error;
  }
  return {
    dir,
    server,
    url: server.url,
    releases,
    async close() {
      try {
        await server.close();
      } finally {
        remove();
      }
    },
  };
}
