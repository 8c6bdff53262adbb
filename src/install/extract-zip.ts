/**
 * Extracts a zip archive into a TreeWriter. adm-zip only reads the directory and hands us each
 * entry's compressed bytes; inflating and writing are ours, because adm-zip's own extraction
 * drops exec bits (unless asked), writes symlinks as regular 0777 files, and inflates whole
 * entries in memory without a bound we control.
 *
 * Unix metadata lives in the high 16 bits of the external attributes (`attr >>> 16`): the file
 * type (symlink, directory) and permission bits. Archives made on Windows have none; their files
 * get 0644. Each entry's CRC-32 is checked while writing.
 *
 * Note: adm-zip reads the whole archive into memory, so a zip costs its size in RSS.
 */
import AdmZip from 'adm-zip';
import * as zlib from 'node:zlib';
import { ProtoError } from '../errors.js';
import { splitEntryName, stripArchivePrefix, type PrefixMatcher } from './entry-path.js';
import type { FileSink, TreeWriter } from './tree-writer.js';

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
/** Entries up to this size are inflated in one call; larger ones are streamed. */
const INFLATE_IN_ONE_CALL = 8 * 1024 * 1024;

const crc32 = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

export async function extractZip(input: ExtractZipInput): Promise<void> {
  const { writer, prefix, archiveName, warn } = input;
  let zip: AdmZip;
  try {
    zip = new AdmZip(input.file);
  } catch (error) {
    throw new ProtoError('install.corrupt_archive', `${archiveName} is not a valid zip archive: ${(error as Error).message}.`, { cause: error });
  }
  for (const entry of zip.getEntries()) {
    input.signal?.throwIfAborted();
    const split = splitEntryName(entry.entryName, { backslashIsSeparator: true });
    if (split === undefined) {
      warn(`Skipped ${entry.entryName} in ${archiveName}: the path is absolute or contains "..".`);
      continue;
    }
    const path = stripArchivePrefix(split, prefix);
    const header = entry.header;
    const unixMode = (header.attr >>> 16) & 0xffff;
    const type = unixMode & S_IFMT;
    if (entry.isDirectory || type === S_IFDIR) {
      writer.addDirectory(path, unixMode & 0o777 || 0o755);
      continue;
    }
    if (header.encripted) {
      throw new ProtoError('install.unsupported_archive', `${archiveName} contains an encrypted entry (${entry.entryName}).`);
    }
    if (header.method !== METHOD_STORED && header.method !== METHOD_DEFLATED) {
      throw new ProtoError('install.unsupported_archive', `${archiveName} uses zip compression method ${header.method} (only stored and deflate are supported).`);
    }
    const compressed = entry.getCompressedData();
    if (type === S_IFLNK) {
      const target = inflateSmall(compressed, header.method, 4096, archiveName).toString('utf8');
      writer.addSymlink(path, target);
      continue;
    }
    const sink = writer.openFile(path, unixMode & 0o777 || 0o644, header.size);
    if (!sink) continue;
    const crc = await writeEntry(sink, compressed, header.method, header.size, archiveName);
    sink.close(header.time);
    if (crc32 && crc !== header.crc >>> 0) {
      throw new ProtoError('install.corrupt_archive', `${archiveName} is corrupt: CRC mismatch in ${entry.entryName}.`);
    }
  }
}

/** Writes one entry's data and returns its CRC-32 (0 when this Node has no zlib.crc32). */
async function writeEntry(sink: FileSink, compressed: Buffer, method: number, size: number, archiveName: string): Promise<number> {
  let crc = 0;
  const write = (chunk: Buffer) => {
    if (crc32) crc = crc32(chunk, crc);
    sink.write(chunk);
  };
  if (method === METHOD_STORED) {
    write(compressed);
    return crc;
  }
  if (size <= INFLATE_IN_ONE_CALL) {
    // One byte more than declared proves a lying header without inflating further.
    const data = inflateSmall(compressed, method, size + 1, archiveName);
    if (data.length !== size) throw sizeMismatch(archiveName);
    write(data);
    return crc;
  }
  let total = 0;
  const inflater = zlib.createInflateRaw({ chunkSize: 256 * 1024 });
  const done = new Promise<void>((resolve, reject) => {
    inflater.on('data', (chunk: Buffer) => {
      try {
        total += chunk.length;
        if (total > size) throw sizeMismatch(archiveName);
        write(chunk);
      } catch (error) {
        inflater.destroy();
        reject(error);
      }
    });
    inflater.on('end', () => (total === size ? resolve() : reject(sizeMismatch(archiveName))));
    inflater.on('error', (error) =>
      reject(new ProtoError('install.corrupt_archive', `${archiveName} is corrupt: ${error.message}.`, { cause: error })),
    );
  });
  inflater.end(compressed);
  await done;
  return crc;
}

function inflateSmall(compressed: Buffer, method: number, maxOutputLength: number, archiveName: string): Buffer {
  if (method === METHOD_STORED) return compressed.subarray(0, maxOutputLength);
  try {
    return zlib.inflateRawSync(compressed, { maxOutputLength: Math.max(1, maxOutputLength) });
  } catch (error) {
    throw new ProtoError('install.corrupt_archive', `${archiveName} is corrupt or lies about an entry size: ${(error as Error).message}.`, { cause: error });
  }
}

function sizeMismatch(archiveName: string): ProtoError {
  return new ProtoError('install.corrupt_archive', `${archiveName} is corrupt: an entry's data does not match its declared size.`);
}
