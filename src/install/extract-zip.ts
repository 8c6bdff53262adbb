/**
 * Extracts a zip archive into a TreeWriter, streaming: yauzl reads the central directory and
 * hands us one entry at a time as an inflating stream, so memory stays flat whatever the size of
 * the archive. Writing is ours: the TreeWriter keeps every entry inside the output directory,
 * restores exec bits and symlinks, and bounds bytes and entries.
 *
 * Names are taken raw and checked by our own rules (an absolute or `..` name is skipped with a
 * warning, like in tars) rather than by yauzl's, which would reject the whole archive. Unix
 * metadata lives in the high 16 bits of the external attributes: the file type (symlink,
 * directory) and permission bits; archives made on Windows have none and their files get 0644.
 * Each entry must inflate to exactly its declared size, and its CRC-32 must match.
 */
import * as zlib from 'node:zlib';
import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { ProtoError } from '../errors.js';
import { splitEntryName, stripArchivePrefix, type PrefixMatcher } from './entry-path.js';
import type { TreeWriter } from './tree-writer.js';
import { passedTransientBytes } from '../transient-buffers.js';

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
 * thread writes another's (one at a time, the main thread waited for every chunk).
 */
const CONCURRENT_ENTRIES = 4;

export async function extractZip(input: ExtractZipInput): Promise<void> {
  const { archiveName } = input;
  const zip = await openZip(input.file, archiveName);
  const reading = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  try {
    // The end record's count, checked before the first entry is read.
    if (zip.entryCount > input.writer.maxEntries) input.writer.refuseEntries(zip.entryCount);
    for (;;) {
      input.signal?.throwIfAborted();
      const entry = await nextEntry(zip, archiveName);
      if (!entry) break;
      const started = startEntry(zip, entry, input);
      if (!started) continue;
      if (started.inOrder) {
        await started.data;
        continue;
      }
      const settled: Promise<void> = started.data
        .catch((error: unknown) => void (failure ??= { error }))
        .finally(() => reading.delete(settled));
      reading.add(settled);
      if (reading.size >= CONCURRENT_ENTRIES) await Promise.race(reading);
      if (failure) throw failure.error;
    }
    await Promise.all(reading);
    if (failure) throw failure.error;
  } finally {
    // Every entry stops writing before the caller closes what a failure left open.
    await Promise.all(reading);
    zip.close();
  }
}

/**
 * Judges an entry and, for a file, opens it at once, in archive order (so that a later entry of
 * the same name wins, as in tars); its data follows in `data`. Symlinks are read `inOrder`: the
 * caller waits for each before the next entry, keeping their order too.
 */
function startEntry(zip: ZipFile, entry: Entry, input: ExtractZipInput): { data: Promise<void>; inOrder: boolean } | undefined {
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
  const size = entry.uncompressedSize;
  if (type === S_IFLNK) {
    if (size > MAX_SYMLINK_TARGET) throw corrupt(archiveName, `the symlink ${name} has a ${size}-byte target`);
    const chunks: Buffer[] = [];
    const data = readEntry(zip, entry, archiveName, (chunk) => chunks.push(chunk)).then(() =>
      writer.addSymlink(path, Buffer.concat(chunks).toString('utf8')),
    );
    return { data, inOrder: true };
  }
  const sink = writer.openFile(path, unixMode & 0o777 || 0o644, size);
  if (!sink) return undefined;
  let crc = 0;
  const data = readEntry(zip, entry, archiveName, (chunk) => {
    if (crc32) crc = crc32(chunk, crc);
    sink.write(chunk);
  }).then(() => {
    sink.close(entry.getLastModDate());
    if (crc32 && crc !== entry.crc32 >>> 0) throw corrupt(archiveName, `CRC mismatch in ${name}`);
  });
  return { data, inOrder: false };
}

function openZip(file: string, archiveName: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    // Raw names (decodeStrings: false): we decode and judge them ourselves, entry by entry.
    yauzl.open(file, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (error, zip) => {
      if (error || !zip) reject(corrupt(archiveName, `not a valid zip archive: ${error?.message ?? 'unreadable'}`, error));
      else resolve(zip);
    });
  });
}

/** The next entry of the central directory, or undefined at its end. */
function nextEntry(zip: ZipFile, archiveName: string): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const done = (result: Entry | undefined, error?: Error) => {
      zip.off('entry', onEntry).off('end', onEnd).off('error', onError);
      if (error) reject(corrupt(archiveName, error.message, error));
      else resolve(result);
    };
    const onEntry = (entry: Entry) => done(entry);
    const onEnd = () => done(undefined);
    const onError = (error: Error) => done(undefined, error);
    zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
    zip.readEntry();
  });
}

/**
 * Streams one entry's data to `write`. yauzl fails the stream when the data inflates to more or
 * fewer bytes than the header declares, so a lying header stops at the first extra byte.
 */
async function readEntry(zip: ZipFile, entry: Entry, archiveName: string, write: (chunk: Buffer) => void): Promise<void> {
  const stream = await new Promise<Readable>((resolve, reject) => {
    zip.openReadStream(entry, (error, readStream) => {
      if (error || !readStream) reject(corrupt(archiveName, error?.message ?? 'unreadable entry', error));
      else resolve(readStream);
    });
  });
  try {
    for await (const chunk of stream) {
      write(chunk as Buffer);
      passedTransientBytes((chunk as Buffer).length);
    }
  } catch (error) {
    stream.destroy();
    if (error instanceof ProtoError) throw error;
    throw corrupt(archiveName, (error as Error).message, error);
  }
}

function corrupt(archiveName: string, detail: string, cause?: unknown): ProtoError {
  return new ProtoError('install.corrupt_archive', `${archiveName} is corrupt: ${detail}.`, { cause });
}
