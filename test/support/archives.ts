/**
 * Builds real archives for tests with the system tools users' archives come from (GNU tar, xz,
 * bzip2, zstd, gzip, Info-ZIP zip), plus adm-zip for zips no honest tool writes (zip-slip).
 * Only tar and gzip are sure to exist: a test that makes other archives at run time needs
 * skipWithout(…); most use the committed ones instead (./tool-made.ts).
 */
import AdmZip from 'adm-zip';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { requireCommand, run } from './system-commands.js';

export type TreeEntry = string | Buffer | { content: string | Buffer; mode?: number } | { symlink: string } | { dir: true };

/** Writes `{ 'pkg/bin/tool': {content, mode: 0o755}, 'pkg/bin/alias': {symlink: 'tool'} }` under `root`. */
export function writeTree(root: string, tree: Record<string, TreeEntry>): void {
  for (const [path, entry] of Object.entries(tree)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    if (typeof entry === 'string' || Buffer.isBuffer(entry)) writeFileSync(full, entry);
    else if ('symlink' in entry) symlinkSync(entry.symlink, full);
    else if ('dir' in entry) mkdirSync(full, { recursive: true });
    else {
      writeFileSync(full, entry.content);
      if (entry.mode !== undefined) chmodSync(full, entry.mode);
    }
  }
}

export type TarFormat = 'tar' | 'tar.gz' | 'tgz' | 'tar.xz' | 'txz' | 'tar.bz2' | 'tar.zst';

const TAR_COMPRESSION: Record<TarFormat, string[]> = {
  tar: [],
  'tar.gz': ['-z'],
  tgz: ['-z'],
  'tar.xz': ['-J'],
  txz: ['-J'],
  'tar.bz2': ['-j'],
  'tar.zst': ['--zstd'],
};

const TAR_TOOL: Record<TarFormat, string | undefined> = {
  tar: undefined,
  'tar.gz': 'gzip',
  tgz: 'gzip',
  'tar.xz': 'xz',
  txz: 'xz',
  'tar.bz2': 'bzip2',
  'tar.zst': 'zstd',
};

export interface TarOptions {
  /** Members to add, relative to `cwd` (default: `.`). */
  members?: string[];
  /** Extra GNU tar arguments placed before the members (`-P`, `--transform=…`). */
  extraArgs?: string[];
}

/** `tar -c<compression>f out -C cwd members…` with GNU tar. */
export function makeTar(cwd: string, out: string, format: TarFormat, options: TarOptions = {}): string {
  const tool = TAR_TOOL[format];
  if (tool) run(tool, ['--version']); // fail early with an install hint when missing
  run('tar', ['-c', ...TAR_COMPRESSION[format], '-f', out, '-C', cwd, ...(options.extraArgs ?? []), ...(options.members ?? ['.'])]);
  return out;
}

/** `zip -r -y -X` (symlinks stored as links, no extra attributes) of `members` relative to `cwd`. */
export function makeZip(cwd: string, out: string, members: string[] = ['.']): string {
  run('zip', ['-q', '-r', '-y', '-X', out, ...members], { cwd });
  return out;
}

/** A zip whose entry names are written verbatim (adm-zip sanitizes names given to addFile). */
export function makeRawZip(out: string, entries: Array<{ name: string; content: string | Buffer }>): string {
  const zip = new AdmZip();
  entries.forEach(({ name, content }, index) => {
    const entry = zip.addFile(`placeholder-${index}`, Buffer.isBuffer(content) ? content : Buffer.from(content));
    entry.entryName = name;
  });
  zip.writeZip(out);
  return out;
}

/** A single compressed file: `gzip -c`, `xz -c`, … */
export function compressFile(file: string, out: string, tool: 'gzip' | 'xz' | 'bzip2' | 'zstd'): string {
  requireCommand(tool);
  const args = tool === 'zstd' ? ['-q', '-c', file] : ['-c', file];
  const result = spawnSync(tool, args, { maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`${tool} failed: ${String(result.stderr)}`);
  writeFileSync(out, result.stdout);
  return out;
}

export function readBytes(path: string): Buffer {
  return readFileSync(path);
}
