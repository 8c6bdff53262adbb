/**
 * Hostile archives, made with real tools where a real tool can make them (GNU tar with -P keeps
 * `..` and absolute names; --transform rewrites hardlink targets) and with adm-zip otherwise.
 * Each writes next to a tool that would be harmless if extracted safely: `pkg/ok.txt`.
 */
import { spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRawZip, makeTar, writeTree } from './archives.js';
import { requireCommand } from './system-commands.js';

/** zip entries `../../evil.txt` and `/abs-evil.txt` next to `pkg/ok.txt`. */
export function zipSlip(work: string): string {
  return makeRawZip(join(work, 'slip.zip'), [
    { name: 'pkg/ok.txt', content: 'ok\n' },
    { name: '../../evil.txt', content: 'pwned\n' },
    { name: '..\\..\\evil-backslash.txt', content: 'pwned\n' },
  ]);
}

/** tar.gz with the member `../../evil.txt` (GNU tar -P keeps it). */
export function tarDotDot(work: string): string {
  const src = join(work, 'dotdot-src');
  writeTree(src, { 'a/b/pkg/ok.txt': 'ok\n', 'evil.txt': 'pwned\n' });
  return makeTar(join(src, 'a/b'), join(work, 'dotdot.tar.gz'), 'tar.gz', { extraArgs: ['-P'], members: ['pkg/ok.txt', '../../evil.txt'] });
}

/** tar.gz with an absolute member `<absolutePath>`; the file is removed after archiving. */
export function tarAbsolute(work: string, absolutePath: string): string {
  const src = join(work, 'abs-src');
  writeTree(src, { 'pkg/ok.txt': 'ok\n' });
  writeFileSync(absolutePath, 'pwned\n');
  const out = makeTar(src, join(work, 'absolute.tar.gz'), 'tar.gz', { extraArgs: ['-P'], members: ['pkg/ok.txt', absolutePath] });
  spawnSync('rm', ['-f', absolutePath]);
  return out;
}

/**
 * tar.gz with `pkg/link -> ../../outside` (a relative escape), `pkg/abs -> /tmp` (absolute),
 * `pkg/link/evil.txt` (a file a naive extractor writes through the symlink), and a pair that only
 * a check against the real tree catches: `root-link -> .` and `sneaky -> root-link/..`, which is
 * `.` lexically but the parent of the tool dir once `root-link` is followed.
 */
export function tarSymlinkEscape(work: string): string {
  const src = join(work, 'symlink-src');
  writeTree(src, {
    'pkg/ok.txt': 'ok\n',
    'pkg/link': { symlink: '../../outside' },
    'pkg/abs': { symlink: '/tmp' },
    'staging/evil.txt': 'pwned\n',
    'root-link': { symlink: '.' },
    'sneaky': { symlink: 'root-link/..' },
  });
  return makeTar(src, join(work, 'symlink.tar.gz'), 'tar.gz', {
    extraArgs: ['--transform=s,^staging,pkg/link,'],
    members: ['pkg', 'staging/evil.txt', 'root-link', 'sneaky'],
  });
}

/** tar.gz with `pkg/ok.txt` and `pkg/hard`, a hardlink whose target is `<relativeTarget>` outside. */
export function tarHardlinkEscape(work: string, relativeTarget: string): string {
  const src = join(work, 'hardlink-src');
  mkdirSync(join(src, 'pkg'), { recursive: true });
  writeFileSync(join(src, 'pkg/ok.txt'), 'ok\n');
  linkSync(join(src, 'pkg/ok.txt'), join(src, 'pkg/hard'));
  // Rewrite only hardlink targets (flags: not Regular names, not Symlinks, yes hardlinks).
  return makeTar(src, join(work, 'hardlink.tar.gz'), 'tar.gz', {
    extraArgs: ['-P', `--transform=s,^pkg/ok.txt$,${relativeTarget},RSh`],
    members: ['pkg/ok.txt', 'pkg/hard'],
  });
}

/**
 * A gzip bomb: a tar holding one `zeros` file of `bytes` bytes. gzip streams may be concatenated,
 * so the archive is gzip(header) followed by gzip(1 MiB of zeros) repeated: milliseconds to
 * build, a few hundred KiB on disk, `bytes` when unpacked.
 */
export function tarGzBomb(work: string, bytes: number): string {
  requireCommand('gzip');
  const src = join(work, 'bomb-src');
  mkdirSync(src, { recursive: true });
  const zeros = join(src, 'zeros');
  writeFileSync(zeros, '');
  truncateSync(zeros, bytes); // sparse: costs no disk
  const tar = spawnSync('sh', ['-c', 'tar -cf - -C "$1" zeros | head -c 512', 'sh', src], { maxBuffer: 1 << 20 });
  const header = tar.stdout as Buffer;
  if (header.length !== 512) throw new Error(`could not build the tar header: ${String(tar.stderr)}`);
  const gzip = (data: Buffer) => spawnSync('gzip', ['-c', '-9'], { input: data, maxBuffer: 1 << 26 }).stdout as Buffer;
  const megabyte = gzip(Buffer.alloc(1024 * 1024));
  // The file's data, the tar end-of-archive blocks and padding are all zeros.
  const totalZeros = bytes + 10240;
  const parts = [gzip(header)];
  for (let left = totalZeros; left > 0; left -= 1024 * 1024) {
    parts.push(left >= 1024 * 1024 ? megabyte : gzip(Buffer.alloc(left)));
  }
  const out = join(work, 'bomb.tar.gz');
  writeFileSync(out, Buffer.concat(parts));
  return out;
}

/** tar.gz of `count` files of `size` zero bytes each: every header is honest, the total is not. */
export function tarManyFiles(work: string, count: number, size: number): string {
  const src = join(work, 'many-src');
  const tree: Record<string, Buffer> = {};
  for (let i = 0; i < count; i++) tree[`pkg/file-${i}`] = Buffer.alloc(size);
  writeTree(src, tree);
  return makeTar(src, join(work, 'many.tar.gz'), 'tar.gz', { members: ['pkg'] });
}

export interface ZipHeaderPatch {
  /** General purpose flags (bit 0: encrypted). */
  flags?: number;
  /** Compression method (0 stored, 8 deflate, 14 LZMA, …). */
  method?: number;
  crc?: number;
  /** Declared uncompressed size. */
  size?: number;
}

/**
 * A zip with `pkg/ok.txt` and `pkg/tool` (20 KiB of one byte, deflated), where the headers of
 * `pkg/tool` (local and central, kept consistent) say what `patch` says: an archive no honest
 * tool writes, made by rewriting header fields of one adm-zip wrote. `entries` and `entryName`
 * give other contents and the entry to patch.
 */
export function zipWithLyingHeader(
  work: string,
  name: string,
  patch: ZipHeaderPatch,
  entries: Parameters<typeof makeRawZip>[1] = [
    { name: 'pkg/ok.txt', content: 'ok\n' },
    { name: 'pkg/tool', content: Buffer.alloc(20 * 1024, 0x61) },
  ],
  entryName = 'pkg/tool',
): string {
  const out = makeRawZip(join(work, name), entries);
  const bytes = readFileSync(out);
  const target = Buffer.from(entryName);
  let patched = 0;
  for (let at = 0; at < bytes.length - 4; at++) {
    const signature = bytes.readUInt32LE(at);
    // Local header: name at 30; central header: name at 46. Field offsets differ by 2 (version made by).
    const [nameAt, shift] = signature === 0x04034b50 ? [30, 0] : signature === 0x02014b50 ? [46, 2] : [0, -1];
    if (shift < 0 || !bytes.subarray(at + nameAt, at + nameAt + target.length).equals(target)) continue;
    if (patch.flags !== undefined) bytes.writeUInt16LE(patch.flags, at + 6 + shift);
    if (patch.method !== undefined) bytes.writeUInt16LE(patch.method, at + 8 + shift);
    if (patch.crc !== undefined) bytes.writeUInt32LE(patch.crc >>> 0, at + 14 + shift);
    if (patch.size !== undefined) bytes.writeUInt32LE(patch.size, at + 22 + shift);
    patched++;
  }
  if (patched !== 2) throw new Error(`expected a local and a central header for ${entryName}, patched ${patched}`);
  writeFileSync(out, bytes);
  return out;
}
