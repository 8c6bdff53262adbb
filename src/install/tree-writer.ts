/**
 * Writes the entries of an archive into a fresh output directory, and is the one place that
 * enforces "nothing escapes the output directory" and the decompression bound.
 *
 * Safety model:
 * - The output directory is created empty by us, so at first it holds nothing but what we write.
 * - Entry paths arrive already split into safe components (see entry-path.ts).
 * - Regular files, directories and hardlinks are written first. No symlink exists during that
 *   phase, so no write can be redirected through one.
 * - Hardlinks may only point at a regular file this archive already wrote.
 * - Symlinks are collected and created at the end (which also restores chains like
 *   `python -> python3 -> python3.12` whatever their order). Each is checked lexically, its parent
 *   is resolved against the real tree before it is created, and once all exist every link is
 *   resolved against the real tree again; one that leaves the root (e.g. `y -> x/..` with
 *   `x -> .`) is removed.
 * - Every byte written counts against a budget and every entry against a count; exceeding either
 *   fails the unpack (an archive bomb) before more data is written. A declared size larger than
 *   the remaining budget fails before the file is opened.
 *
 * Unsafe entries are skipped with a warning (proto skips them too); a bomb is an error.
 */
import { closeSync, futimesSync, linkSync, lstatSync, mkdirSync, openSync, readlinkSync, symlinkSync, unlinkSync, writeSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ProtoError } from '../errors.js';
import { formatBytes } from '../format-bytes.js';
import { limitSetting, MIB, raiseLimitHint } from '../limits.js';
import { withPath } from '../system-errors.js';
import { displayPath, resolveSymlinkTarget, type EntryPath } from './entry-path.js';

export interface TreeWriterLimits {
  maxBytes: number;
  maxEntries: number;
  /**
   * The setting that sets `maxBytes` and its value now (unpackBudget's `bound` and `current`), so
   * that a refusal names the one to raise. Default: unpack-size, at `maxBytes`.
   */
  bytesBound?: { name: 'unpackSize' | 'unpackRatio'; current: number };
}

export interface FileSink {
  write(chunk: Uint8Array): void;
  /** Closes the file, setting its modification time when known. */
  close(mtime?: Date): void;
}

type Kind = 'file' | 'dir' | 'symlink';

const MAX_SYMLINK_HOPS = 40;

export class TreeWriter {
  private readonly kinds = new Map<string, Kind>();
  private readonly symlinks: Array<{ path: EntryPath; target: string }> = [];
  private readonly openFds = new Set<number>();
  private bytes = 0;
  private entries = 0;

  constructor(
    /** Absolute path of the (empty) output directory. */
    readonly root: string,
    private readonly limits: TreeWriterLimits,
    /** Names the archive in errors. */
    private readonly archiveName: string,
    private readonly warn: (message: string) => void,
  ) {}

  get bytesWritten(): number {
    return this.bytes;
  }

  /** The entry ceiling (`[settings.limits] archive-entries`), for checks before extraction starts. */
  get maxEntries(): number {
    return this.limits.maxEntries;
  }

  addDirectory(path: EntryPath, mode = 0o755): void {
    this.countEntry();
    if (path.length === 0) return;
    const key = path.join('/');
    const existing = this.kinds.get(key);
    if (existing === 'dir') return;
    if (existing) return this.warn(`Skipped directory ${key} in ${this.archiveName}: a file of that name exists.`);
    this.ensureParent(path);
    mkdirSync(this.abs(path), { mode: (mode & 0o777) | 0o700 });
    this.kinds.set(key, 'dir');
  }

  /** Opens a regular file for writing; `declaredSize` is checked against the budget up front. */
  openFile(path: EntryPath, mode = 0o644, declaredSize = 0): FileSink | undefined {
    this.countEntry();
    if (path.length === 0) {
      this.warn(`Skipped a file entry that names the root of ${this.archiveName}.`);
      return undefined;
    }
    this.reserve(declaredSize, path);
    const key = path.join('/');
    const existing = this.kinds.get(key);
    if (existing === 'dir') {
      this.warn(`Skipped file ${key} in ${this.archiveName}: a directory of that name exists.`);
      return undefined;
    }
    this.ensureParent(path);
    if (existing === 'file') unlinkSync(this.abs(path)); // a later entry of the same name wins, as with tar
    // Setuid/setgid/sticky bits are dropped: a downloaded tool has no business with them.
    const fd = openSync(this.abs(path), 'wx', mode & 0o777);
    this.openFds.add(fd);
    this.kinds.set(key, 'file');
    let written = 0;
    let accounted = declaredSize;
    return {
      write: (chunk) => {
        written += chunk.length;
        if (written > accounted) {
          // More than the entry declared (a lying zip header): count the excess as it arrives.
          this.reserve(written - accounted, path);
          accounted = written;
        }
        withPath(this.abs(path), () => {
          let offset = 0;
          while (offset < chunk.length) offset += writeSync(fd, chunk, offset, chunk.length - offset);
        });
      },
      close: (mtime) => {
        if (mtime && !Number.isNaN(mtime.getTime())) futimesSync(fd, mtime, mtime);
        closeSync(fd);
        this.openFds.delete(fd);
      },
    };
  }

  /** A hardlink to `target`, a regular file written earlier from this archive. */
  addHardlink(path: EntryPath, target: EntryPath | undefined, rawTarget: string): void {
    this.countEntry();
    const key = path.join('/');
    if (!target || this.kinds.get(target.join('/')) !== 'file' || path.length === 0) {
      this.warn(`Skipped hardlink ${key} in ${this.archiveName}: its target "${rawTarget}" is not a file of this archive.`);
      return;
    }
    const existing = this.kinds.get(key);
    if (existing === 'dir') return this.warn(`Skipped hardlink ${key} in ${this.archiveName}: a directory of that name exists.`);
    this.ensureParent(path);
    if (existing === 'file') unlinkSync(this.abs(path));
    linkSync(this.abs(target), this.abs(path));
    this.kinds.set(key, 'file');
  }

  /** Records a symlink; it is created by `finish()`. */
  addSymlink(path: EntryPath, target: string): void {
    this.countEntry();
    if (path.length === 0 || resolveSymlinkTarget(path, target) === undefined) {
      this.warn(`Skipped symlink ${displayPath(path)} -> ${target} in ${this.archiveName}: it points outside the tool directory.`);
      return;
    }
    this.symlinks.push({ path, target });
  }

  /** Creates the recorded symlinks and checks every one against the real tree. */
  finish(): void {
    for (const { path, target } of this.symlinks) {
      const key = path.join('/');
      const existing = this.kinds.get(key);
      if (existing === 'dir') {
        this.warn(`Skipped symlink ${key} in ${this.archiveName}: a directory of that name exists.`);
        continue;
      }
      // The parent may pass through symlinks created just before: it must really be inside.
      if (!this.resolvesInside(path.slice(0, -1))) {
        this.warn(`Skipped symlink ${key} in ${this.archiveName}: its directory resolves outside the tool directory.`);
        continue;
      }
      try {
        this.ensureParent(path);
      } catch {
        this.warn(`Skipped symlink ${key} in ${this.archiveName}: its directory cannot be created.`);
        continue;
      }
      if (existing) unlinkSync(this.abs(path));
      symlinkSync(target, this.abs(path));
      this.kinds.set(key, 'symlink');
    }
    for (const { path, target } of this.symlinks) {
      const key = path.join('/');
      if (this.kinds.get(key) !== 'symlink') continue;
      if (!this.resolvesInside(path)) {
        unlinkSync(this.abs(path));
        this.kinds.delete(key);
        this.warn(`Removed symlink ${key} -> ${target} from ${this.archiveName}: it resolves outside the tool directory.`);
      }
    }
  }

  /** Closes files left open by a failed unpack (the caller removes the directory). */
  abort(): void {
    for (const fd of this.openFds) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
    this.openFds.clear();
  }

  private countEntry(): void {
    if (++this.entries > this.limits.maxEntries) this.refuseEntries();
  }

  /** Fails the unpack: the archive has (or declares, `declared`) more entries than allowed. */
  refuseEntries(declared?: number): never {
    const count = declared === undefined ? `more than ${this.limits.maxEntries}` : `${declared}`;
    throw new ProtoError('install.archive_too_large', `${this.archiveName} has ${count} entries; the limit is ${this.limits.maxEntries}.`, {
      hint: `It may be a decompression bomb. If it is legitimate, raise ${limitSetting('archiveEntries')} in .prototools.`,
    });
  }

  private reserve(size: number, path: EntryPath): void {
    this.bytes += size;
    if (this.bytes > this.limits.maxBytes) {
      const bound = this.limits.bytesBound ?? { name: 'unpackSize', current: this.limits.maxBytes / MIB };
      throw new ProtoError(
        'install.archive_too_large',
        `Unpacking ${this.archiveName} would write more than ${formatBytes(this.limits.maxBytes)} (at ${displayPath(path)}).`,
        { hint: raiseLimitHint(bound.name, bound.current, 'It may be a decompression bomb; if it is legitimate') },
      );
    }
  }

  private ensureParent(path: EntryPath): void {
    const parents = path.length - 1;
    if (parents <= 0) return;
    let missingFrom = parents;
    for (let i = parents; i > 0; i--) {
      const kind = this.kinds.get(path.slice(0, i).join('/'));
      if (kind === 'dir' || kind === 'symlink') break;
      if (kind === 'file') {
        throw new ProtoError('install.corrupt_archive', `${this.archiveName} has ${displayPath(path)} below the file ${path.slice(0, i).join('/')}.`);
      }
      missingFrom = i - 1;
    }
    if (missingFrom === parents) return;
    mkdirSync(this.abs(path.slice(0, parents)), { recursive: true });
    for (let i = missingFrom + 1; i <= parents; i++) this.kinds.set(path.slice(0, i).join('/'), 'dir');
  }

  /**
   * Resolves `path` against the real tree, following symlinks the way the kernel does
   * (a `..` after a symlink climbs from the symlink's target). False when it leaves the root,
   * hits an absolute link or loops.
   */
  private resolvesInside(path: EntryPath): boolean {
    const resolved: string[] = [];
    const pending = [...path];
    let hops = 0;
    while (pending.length > 0) {
      const component = pending.shift()!;
      if (component === '' || component === '.') continue;
      if (component === '..') {
        if (resolved.length === 0) return false;
        resolved.pop();
        continue;
      }
      const candidate = join(this.root, ...resolved, component);
      let isLink = false;
      try {
        isLink = lstatSync(candidate).isSymbolicLink();
      } catch {
        // missing: the rest resolves lexically (nothing below a missing name can be a link)
      }
      if (!isLink) {
        resolved.push(component);
        continue;
      }
      if (++hops > MAX_SYMLINK_HOPS) return false;
      const target = readlinkSync(candidate);
      if (isAbsolute(target)) return false;
      pending.unshift(...target.split('/'));
    }
    return true;
  }

  private abs(path: EntryPath): string {
    return join(this.root, ...path);
  }
}
