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
import { crc32 } from 'node:zlib';
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

/**
 * A zip of one stored file whose local header carries an extra field of `extraBytes` bytes that
 * its central directory entry does not (allowed by the format: the two extra fields may differ).
 * Written byte by byte, as no tool at hand makes one.
 */
export function zipWithLongLocalExtra(out: string, name: string, content: Buffer, extraBytes: number): string {
  const nameBytes = Buffer.from(name);
  const crc = crc32(content);
  const extra = Buffer.alloc(extraBytes);
  extra.writeUInt16LE(0xcafe, 0); // a private extra-field id, with its data length
  extra.writeUInt16LE(extraBytes - 4, 2);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(content.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  local.writeUInt16LE(extraBytes, 28);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE((3 << 8) | 20, 4); // made on Unix
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(content.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
  const centralAt = local.length + nameBytes.length + extra.length + content.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(centralAt, 16);
  writeFileSync(out, Buffer.concat([local, nameBytes, extra, content, central, nameBytes, end]));
  return out;
}
