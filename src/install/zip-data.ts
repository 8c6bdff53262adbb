/**
 * Reads a zip archive's bytes for extract-zip.ts: its central directory through yauzl, and each
 * entry's data through our own positioned reads.
 *
 * Why not yauzl's entry streams: per entry they cost a read of the local header, a file read
 * stream, an inflate stream emitting 16 KiB chunks and a byte-counting stream, and yauzl reads the
 * central directory with two reads per entry. Unpacking a zip of ~1,000 files, that JavaScript
 * stream work is what made an install take 1.6–1.8× the CPU of `curl + sha256sum + unzip`. Here:
 * - the central directory is served from blocks of WINDOW bytes (`WindowedReader`), one read per
 *   block instead of two per entry;
 * - an entry of moderate size is read with one positioned read (local header and data together)
 *   and inflated in one call of `zlib.inflateRaw`, which runs in libuv's thread pool (several
 *   entries inflate at once, on every core) into one buffer the size the header declares;
 * - a larger entry is streamed (file range → inflate), so memory stays bounded whatever its size.
 *
 * Both check that the data inflates to exactly the declared size, and stop at the first byte
 * beyond it: a header that lies about the size is caught before the lie costs memory or disk.
 */
import { read } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import * as zlib from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { ProtoError } from '../errors.js';

const METHOD_DEFLATED = 8;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_LENGTH = 30;
/**
 * Bytes read beyond the central directory's name and extra-field lengths when guessing where an
 * entry's data starts: the local extra field is often a few bytes longer (Info-ZIP's timestamps).
 */
const LOCAL_EXTRA_SLACK = 64;
/** Reads of the central directory are served from blocks of this size. */
const WINDOW = 256 * 1024;
/** Chunk size of a streamed entry's reads and inflated output. */
const STREAM_CHUNK = 256 * 1024;

/** A zip archive's file, open for reading: its fd is closed once every read has settled. */
export interface OpenZip {
  fd: number;
  size: number;
}

export function corruptZip(archiveName: string, detail: string, cause?: unknown): ProtoError {
  return new ProtoError('install.corrupt_archive', `${archiveName} is corrupt: ${detail}.`, { cause });
}

/** yauzl on the archive, for its central directory. */
export async function openZip({ fd, size }: OpenZip, archiveName: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    // Raw names (decodeStrings: false): the caller decodes and judges them, entry by entry.
    const options = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true };
    yauzl.fromRandomAccessReader(new WindowedReader(fd, size), size, options, (error, zip) => {
      if (error || !zip) reject(corruptZip(archiveName, `not a valid zip archive: ${error?.message ?? 'unreadable'}`, error));
      else resolve(zip);
    });
  });
}

/**
 * yauzl's reads of the end record and the central directory, served from one block of the file
 * at a time (they are small and, for the directory, in order). Entry data is not read here.
 */
class WindowedReader extends yauzl.RandomAccessReader {
  private window: Buffer = Buffer.alloc(0);
  private windowStart = 0;

  constructor(
    private readonly fd: number,
    private readonly size: number,
  ) {
    super();
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (error: Error | null, bytesRead?: number) => void): void {
    const copy = () => {
      const from = position - this.windowStart;
      const copied = this.window.copy(buffer, offset, from, Math.min(from + length, this.window.length));
      callback(null, copied);
    };
    if (position >= this.windowStart && position + length <= this.windowStart + this.window.length) return copy();
    readAt(this.fd, position, Math.max(length, Math.min(WINDOW, this.size - position))).then((block) => {
      this.window = block;
      this.windowStart = position;
      copy();
    }, callback);
  }

  override _readStreamForRange(): Readable {
    throw new Error('entry data is read by zip-data.ts, not through yauzl');
  }
}

/** `length` bytes at `position` (fewer only at the end of the file). */
export async function readAt(fd: number, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const bytesRead = await new Promise<number>((resolve, reject) =>
      read(fd, buffer, filled, length - filled, position + filled, (error, count) => (error ? reject(error) : resolve(count))),
    );
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? buffer : buffer.subarray(0, filled);
}

/** Where an entry's data starts, from its local header in `bytes` (read at the header's offset). */
function dataOffset(bytes: Buffer, name: string, archiveName: string): number {
  if (bytes.length < LOCAL_HEADER_LENGTH || bytes.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE) {
    throw corruptZip(archiveName, `the local header of ${name} is missing`);
  }
  return LOCAL_HEADER_LENGTH + bytes.readUInt16LE(26) + bytes.readUInt16LE(28);
}

/**
 * An entry's stored bytes (still compressed), from one read in the usual case: the local header
 * and the data behind it together.
 */
async function readPacked(source: OpenZip, entry: Entry, name: string, archiveName: string): Promise<Buffer> {
  const headerAt = entry.relativeOffsetOfLocalHeader;
  const guess = LOCAL_HEADER_LENGTH + entry.fileNameLength + entry.extraFieldLength + LOCAL_EXTRA_SLACK;
  const bytes = await readAt(source.fd, headerAt, Math.min(guess + entry.compressedSize, Math.max(0, source.size - headerAt)));
  const start = dataOffset(bytes, name, archiveName);
  if (headerAt + start + entry.compressedSize > source.size) throw corruptZip(archiveName, `the data of ${name} runs past the end of the file`);
  if (start + entry.compressedSize <= bytes.length) return bytes.subarray(start, start + entry.compressedSize);
  // A local extra field longer than guessed: the data is read again from where it starts.
  return readAt(source.fd, headerAt + start, entry.compressedSize);
}

/**
 * An entry's content in one buffer, inflated in the thread pool. The output is capped just above
 * the declared size: a lying header fails after at most one byte too many.
 */
export async function readWholeEntry(source: OpenZip, entry: Entry, name: string, archiveName: string): Promise<Buffer> {
  const packed = await readPacked(source, entry, name, archiveName);
  const size = entry.uncompressedSize;
  const content =
    entry.compressionMethod === METHOD_DEFLATED
      ? await new Promise<Buffer>((resolve, reject) =>
          // One output chunk of size + 1 bytes: a single pass, and any byte past the declared size
          // exceeds maxOutputLength (at least 1, as zlib requires).
          zlib.inflateRaw(packed, { chunkSize: Math.max(64, size + 1), maxOutputLength: Math.max(1, size) }, (error, output) => {
            if (!error) return resolve(output);
            const tooLong = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
            reject(corruptZip(archiveName, tooLong ? tooLongDetail(name, size) : `${name} does not inflate: ${error.message}`, error));
          }),
        )
      : packed;
  if (content.length !== size) {
    throw corruptZip(archiveName, content.length > size ? tooLongDetail(name, size) : `${name} holds ${content.length} bytes, not the ${size} its header declares`);
  }
  return content;
}

/**
 * Streams an entry's content to `write`, chunk by chunk: for entries too large to hold whole.
 * Stops at the first chunk that goes past the declared size.
 */
export async function streamEntry(source: OpenZip, entry: Entry, name: string, archiveName: string, write: (chunk: Buffer) => void): Promise<void> {
  const header = await readAt(source.fd, entry.relativeOffsetOfLocalHeader, LOCAL_HEADER_LENGTH);
  const start = entry.relativeOffsetOfLocalHeader + dataOffset(header, name, archiveName);
  if (start + entry.compressedSize > source.size) throw corruptZip(archiveName, `the data of ${name} runs past the end of the file`);
  const size = entry.uncompressedSize;
  // Our own reads, not fs.createReadStream: destroying one of those closes the fd, which is the
  // archive's (closed by the caller once every entry has settled).
  const file = Readable.from(readRange(source.fd, start, entry.compressedSize), { objectMode: false });
  const content: Readable =
    entry.compressionMethod === METHOD_DEFLATED ? pipeline(file, zlib.createInflateRaw({ chunkSize: STREAM_CHUNK }), () => undefined) : file;
  let total = 0;
  try {
    for await (const chunk of content) {
      total += (chunk as Buffer).length;
      if (total > size) throw corruptZip(archiveName, tooLongDetail(name, size));
      write(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof ProtoError) throw error;
    throw corruptZip(archiveName, `${name} does not inflate: ${(error as Error).message}`, error);
  } finally {
    // Destroying the stream waits for a read still in flight, which must end before the fd closes.
    if (!file.closed) {
      file.destroy();
      await new Promise<void>((resolve) => file.once('close', () => resolve()));
    }
  }
  if (total !== size) throw corruptZip(archiveName, `${name} holds ${total} bytes, not the ${size} its header declares`);
}

/** `length` bytes from `start`, in chunks of STREAM_CHUNK. */
async function* readRange(fd: number, start: number, length: number): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < length; ) {
    const chunk = await readAt(fd, start + offset, Math.min(STREAM_CHUNK, length - offset));
    if (chunk.length === 0) throw new Error('unexpected end of file');
    offset += chunk.length;
    yield chunk;
  }
}

function tooLongDetail(name: string, size: number): string {
  return `${name} inflates to more than the ${size} bytes its header declares`;
}
