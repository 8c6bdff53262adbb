/**
 * Extracts a zip archive into a TreeWriter. The central directory is walked in order and each
 * entry judged and opened in that order (so a later entry of a name wins, as in tars); the data
 * of several entries is read and inflated at once (zip-data.ts): moderate entries whole, larger
 * ones streamed, so memory stays bounded whatever the size of the archive. Writing is the
 * TreeWriter's: it keeps every entry inside the output directory, restores exec bits and
 * symlinks, and bounds bytes and entries.
 *
 * Names are taken raw and checked by our own rules (an absolute or `..` name is skipped with a
 * warning, like in tars) rather than by yauzl's, which would reject the whole archive. Unix
 * metadata lives in the high 16 bits of the external attributes: the file type (symlink,
 * directory) and permission bits; archives made on Windows have none and their files get 0644.
 * Each entry must inflate to exactly its declared size, and its CRC-32 must match (where this
 * Node has zlib.crc32: 20.15 and later).
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import * as zlib from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { ProtoError } from '../errors.js';
import { withPath } from '../system-errors.js';
import { passedTransientBytes } from '../transient-buffers.js';
import { splitEntryName, stripArchivePrefix, type EntryPath, type PrefixMatcher } from './entry-path.js';
import type { FileSink, TreeWriter } from './tree-writer.js';
import { corruptZip, openZip, readWholeEntry, streamEntry, type OpenZip } from './zip-data.js';

export interface ExtractZipInput {
  file: string;
  archiveName: string;
  writer: TreeWriter;
  prefix: PrefixMatcher | undefined;
  warn: (message: string) => void;
  signal?: AbortSignal;
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const METHOD_STORED = 0;
const METHOD_DEFLATED = 8;
const MAX_SYMLINK_TARGET = 4096;

const crc32 = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/**
 * Entries whose data is read at the same time: each inflates in the thread pool while the main
 * thread writes another's (one at a time, the main thread waited for every inflate).
 */
export const CONCURRENT_ENTRIES = 4;
/** Entries up to this size (compressed and inflated) are read and inflated whole. */
export const WHOLE_ENTRY_MAX = 4 * 1024 * 1024;
/** What a streamed entry holds at once: a read chunk and inflate buffers (zip-data.ts). */
const STREAMED_ENTRY_BYTES = 1024 * 1024;
/** The most bytes held by the entries in flight (a whole entry: its compressed and inflated bytes). */
const IN_FLIGHT_BYTES = 16 * 1024 * 1024;

export async function extractZip(input: ExtractZipInput): Promise<void> {
  const { archiveName } = input;
  const fd = withPath(input.file, () => openSync(input.file, 'r'));
  const reading = new Set<Promise<void>>();
  let held = 0;
  let failure: { error: unknown } | undefined;
  // Read through a closure: entries in flight set `failure` during the awaits below, which
  // TypeScript's narrowing of a local does not see.
  const throwIfFailed = () => {
    if (failure) throw failure.error;
  };
  let zip: ZipFile | undefined;
  try {
    const source: OpenZip = { fd, size: fstatSync(fd).size };
    zip = await openZip(source, archiveName);
    // The end record's count, checked before the first entry is read.
    if (zip.entryCount > input.writer.maxEntries) input.writer.refuseEntries(zip.entryCount);
    for (;;) {
      input.signal?.throwIfAborted();
      throwIfFailed();
      const entry = await nextEntry(zip, archiveName);
      if (!entry) break;
      const plan = planEntry(entry, input);
      if (!plan) continue;
      // Room for this entry's bytes (one entry always fits, whatever its size).
      while (reading.size > 0 && (reading.size >= CONCURRENT_ENTRIES || held + plan.bytes > IN_FLIGHT_BYTES)) {
        await Promise.race(reading);
        throwIfFailed();
      }
      const data = startEntry(source, entry, plan, input);
      if (!data) continue;
      if (plan.symlink) {
        // Symlinks are recorded in archive order too: each is read before the next entry.
        await data;
        continue;
      }
      held += plan.bytes;
      const settled: Promise<void> = data
        .catch((error: unknown) => void (failure ??= { error }))
        .finally(() => {
          held -= plan.bytes;
          reading.delete(settled);
        });
      reading.add(settled);
    }
    await Promise.all(reading);
    throwIfFailed();
  } finally {
    // Every entry stops reading and writing before the caller closes what a failure left open.
    await Promise.all(reading);
    zip?.close();
    closeSync(fd);
  }
}

interface EntryPlan {
  name: string;
  path: EntryPath;
  /** Permission bits (0 when the archive has none). */
  mode: number;
  symlink: boolean;
  whole: boolean;
  /** Bytes it holds while in flight (see IN_FLIGHT_BYTES). */
  bytes: number;
}

/** Judges an entry: undefined when there is no data to read (a directory, a skipped name). */
function planEntry(entry: Entry, input: ExtractZipInput): EntryPlan | undefined {
  const { writer, prefix, archiveName, warn } = input;
  const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileName as unknown as Buffer, entry.extraFields, false);
  const split = splitEntryName(name, { backslashIsSeparator: true });
  if (split === undefined) {
    warn(`Skipped ${name} in ${archiveName}: the path is absolute or contains "..".`);
    return undefined;
  }
  const path = stripArchivePrefix(split, prefix);
  const unixMode = (entry.externalFileAttributes >>> 16) & 0xffff;
  const type = unixMode & S_IFMT;
  if (name.endsWith('/') || type === S_IFDIR) {
    writer.addDirectory(path, unixMode & 0o777 || 0o755);
    return undefined;
  }
  if (entry.isEncrypted()) {
    throw new ProtoError('install.unsupported_archive', `${archiveName} contains an encrypted entry (${name}).`);
  }
  if (entry.compressionMethod !== METHOD_STORED && entry.compressionMethod !== METHOD_DEFLATED) {
    throw new ProtoError('install.unsupported_archive', `${archiveName} uses zip compression method ${entry.compressionMethod} (only stored and deflate are supported).`);
  }
  const symlink = type === S_IFLNK;
  const whole = entry.uncompressedSize <= WHOLE_ENTRY_MAX && entry.compressedSize <= WHOLE_ENTRY_MAX;
  // A symlink's target is read whole: its declared sizes must both be small.
  if (symlink && (entry.uncompressedSize > MAX_SYMLINK_TARGET || !whole)) {
    throw corruptZip(archiveName, `the symlink ${name} has a ${Math.max(entry.uncompressedSize, entry.compressedSize)}-byte target`);
  }
  const bytes = whole ? entry.compressedSize + entry.uncompressedSize : STREAMED_ENTRY_BYTES;
  return { name, path, mode: unixMode & 0o777, symlink, whole, bytes };
}

/**
 * Opens a file entry at once, in archive order, and returns its data's reading (undefined when
 * the writer skips it). A symlink's target is read and recorded.
 */
function startEntry(source: OpenZip, entry: Entry, plan: EntryPlan, input: ExtractZipInput): Promise<void> | undefined {
  const { writer, archiveName } = input;
  const { name, path } = plan;
  if (plan.symlink) return readWholeEntry(source, entry, name, archiveName).then((target) => writer.addSymlink(path, target.toString('utf8')));
  const sink = writer.openFile(path, plan.mode || 0o644, entry.uncompressedSize);
  if (!sink) return undefined;
  return plan.whole ? writeWhole(source, entry, plan, sink, archiveName) : writeStreamed(source, entry, plan, sink, archiveName);
}

async function writeWhole(source: OpenZip, entry: Entry, plan: EntryPlan, sink: FileSink, archiveName: string): Promise<void> {
  const content = await readWholeEntry(source, entry, plan.name, archiveName);
  checkCrc(crc32?.(content), entry, plan.name, archiveName);
  sink.write(content);
  sink.close(entry.getLastModDate());
  passedTransientBytes(entry.compressedSize + content.length);
}

async function writeStreamed(source: OpenZip, entry: Entry, plan: EntryPlan, sink: FileSink, archiveName: string): Promise<void> {
  let crc = 0;
  await streamEntry(source, entry, plan.name, archiveName, (chunk) => {
    if (crc32) crc = crc32(chunk, crc);
    sink.write(chunk);
    passedTransientBytes(chunk.length);
  });
  checkCrc(crc32 && crc, entry, plan.name, archiveName);
  sink.close(entry.getLastModDate());
}

/** `crc` undefined: this Node cannot compute one (before 20.15). */
function checkCrc(crc: number | undefined, entry: Entry, name: string, archiveName: string): void {
  if (crc !== undefined && crc !== entry.crc32 >>> 0) throw corruptZip(archiveName, `CRC mismatch in ${name}`);
}

/** The next entry of the central directory, or undefined at its end. */
function nextEntry(zip: ZipFile, archiveName: string): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const done = (result: Entry | undefined, error?: Error) => {
      zip.off('entry', onEntry).off('end', onEnd).off('error', onError);
      if (error) reject(corruptZip(archiveName, error.message, error));
      else resolve(result);
    };
    const onEntry = (entry: Entry) => done(entry);
    const onEnd = () => done(undefined);
    const onError = (error: Error) => done(undefined, error);
    zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
    zip.readEntry();
  });
}
