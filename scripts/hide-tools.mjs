#!/usr/bin/env node
// Runs a command as on a machine that lacks some system tools, without uninstalling them:
//
//   node scripts/hide-tools.mjs [--hide minisign,xz,...] -- npm test
//
// It builds a temporary directory of symlinks to every executable on PATH except the hidden
// tools (and every other name for the same file, such as `unxz` or `bzcat`), and runs the
// command with PATH set to that directory alone. The default hides the Debian tools a fresh
// Debian/Ubuntu machine with only Node and npm does not have.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

// The same list .ci/run installs.
const DEFAULT_HIDDEN = ['minisign', 'xz', 'zstd', 'bzip2', 'zip', 'git', 'docker-registry', 'zsh', 'fish', 'openssl'];

const args = process.argv.slice(2);
let hidden = DEFAULT_HIDDEN;
if (args[0] === '--hide') {
  hidden = args[1].split(',').filter(Boolean);
  args.splice(0, 2);
}
if (args[0] === '--') args.shift();
if (args.length === 0) {
  console.error('usage: node scripts/hide-tools.mjs [--hide tool,tool] -- <command> [args...]');
  process.exit(2);
}

const pathDirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
const identity = (path) => {
  try {
    const stat = statSync(path);
    return stat.isFile() ? `${stat.dev}:${stat.ino}` : undefined;
  } catch {
    return undefined;
  }
};

// Every file a hidden name resolves to, in any PATH directory: other names of it go too.
const hiddenFiles = new Set();
for (const dir of pathDirs) {
  for (const name of hidden) {
    const id = identity(join(dir, name));
    if (id) hiddenFiles.add(id);
  }
}

const shadow = mkdtempSync(join(tmpdir(), 'proto-hidden-tools-'));
const seen = new Set();
const skipped = new Set();
for (const dir of pathDirs) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    continue;
  }
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    const target = join(dir, name);
    const id = identity(target);
    if (!id) continue;
    if (hidden.includes(name) || hiddenFiles.has(id)) {
      skipped.add(name);
      continue;
    }
    symlinkSync(target, join(shadow, name));
  }
}

console.error(`hide-tools: hiding ${[...skipped].sort().join(' ') || '(nothing found)'}`);
const result = spawnSync(args[0], args.slice(1), { stdio: 'inherit', env: { ...process.env, PATH: shadow } });
rmSync(shadow, { recursive: true, force: true });
if (result.error) {
  console.error(`hide-tools: could not run ${args[0]}: ${result.error.message}`);
  process.exit(127);
}
process.exit(result.status ?? 1);
