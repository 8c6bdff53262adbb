/**
 * Extracts a (compressed) tar archive into a TreeWriter, streaming: decompressor → npm `tar`'s
 * header parser → synchronous writes. A small download held in memory is decompressed at once and
 * parsed in one write instead (WHOLE_ARCHIVE_MAX_BYTES). We use only tar's Parser (not its
 * Unpack), because its Unpack skips symlinks whose target passes through an earlier symlink and
 * cannot strip a wildcard prefix; all file-system decisions are the TreeWriter's.
 *
 * The parser runs in strict mode: a header checksum failure or a truncated archive is an error,
 * not a warning, because a verified download that does not parse is a broken release and a
 * partial install would be worse than none.
 */
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { ProtoError } from '../errors.js';
import type { Compression } from './archive-kind.js';
import { decompressionFailed, openDecompressed, type CompressedSource, type DecompressOptions } from './decompress.js';
import { splitEntryName, stripArchivePrefix, type PrefixMatcher } from './entry-path.js';
import { WHOLE_ARCHIVE_MAX_BYTES } from './install-settings.js';
import type { TreeWriter } from './tree-writer.js';
import { passedTransientBytes } from '../transient-buffers.js';

/**
 * The decompressed tar of a whole archive is held in memory, and written out in one turn of the
 * event loop: beyond this, it is streamed instead.
 */
const WHOLE_TAR_MAX_BYTES = 16 * 1024 * 1024;

export interface ExtractTarInput {
  /**
   * The archive file, a stream of its bytes (unpacked while it downloads), or its whole body in
   * memory (see WHOLE_ARCHIVE_MAX_BYTES: a larger body is streamed).
   */
  source: CompressedSource | readonly Buffer[];
  archiveName: string;
  compression: Compression | 'none';
  writer: TreeWriter;
  prefix: PrefixMatcher | undefined;
  decompress: DecompressOptions;
  warn: (message: string) => void;
  signal?: AbortSignal;
}

export async function extractTar(input: ExtractTarInput): Promise<{ decoder: string }> {
  const { writer, prefix, archiveName, warn } = input;
  const parser = new Parser({ strict: true });
  let failure: unknown;
  const fail = (error: unknown) => {
    failure ??= error;
  };
  parser.on('error', (error: Error) =>
    fail(new ProtoError('install.corrupt_archive', `${archiveName} is not a valid tar archive: ${error.message}.`, { cause: error })),
  );

  parser.on('entry', (entry: ReadEntry) => {
    if (failure !== undefined) return entry.resume();
    try {
      handleEntry(entry);
    } catch (error) {
      fail(error);
      entry.resume();
    }
  });

  function handleEntry(entry: ReadEntry): void {
    const split = splitEntryName(entry.path);
    if (split === undefined) {
      warn(`Skipped ${entry.path} in ${archiveName}: the path is absolute or contains "..".`);
      return void entry.resume();
    }
    const path = stripArchivePrefix(split, prefix);
    switch (entry.type) {
      case 'Directory':
      case 'GNUDumpDir':
        writer.addDirectory(path, entry.mode);
        return void entry.resume();
      case 'File':
      case 'OldFile':
      case 'ContiguousFile': {
        const sink = writer.openFile(path, entry.mode, entry.size);
        if (!sink) return void entry.resume();
        entry.on('data', (chunk: Buffer) => {
          if (failure !== undefined) return;
          try {
            sink.write(chunk);
          } catch (error) {
            fail(error);
          }
        });
        entry.on('end', () => {
          try {
            sink.close(entry.mtime);
          } catch (error) {
            fail(error);
          }
        });
        return;
      }
      case 'SymbolicLink':
        writer.addSymlink(path, entry.linkpath ?? '');
        return void entry.resume();
      case 'Link': {
        // Hardlink targets are archive paths (from the archive root), so they get the same rules.
        const target = splitEntryName(entry.linkpath ?? '');
        writer.addHardlink(path, target && stripArchivePrefix(target, prefix), entry.linkpath ?? '');
        return void entry.resume();
      }
      default:
        warn(`Skipped ${entry.path} in ${archiveName}: ${entry.type} entries are not supported.`);
        return void entry.resume();
    }
  }

  // What the decoders throw (ours, or the parser's own for a compressed archive inside the
  // archive) means bad data; our errors and an abort (Ctrl-C) stay as they are.
  const failDecoding = (error: unknown) => {
    const aborted = (error as Error | undefined)?.name === 'AbortError';
    fail(error instanceof ProtoError || aborted ? error : decompressionFailed(archiveName, error));
  };
  /**
   * Ends the parser, once nothing failed. A parser that aborts (a compressed archive inside the
   * archive whose data is bad) never finishes: its abort ends the wait too, as a failure.
   */
  const endParser = async (): Promise<void> => {
    try {
      await new Promise<void>((resolve) => {
        parser.once('abort', (error: Error) => {
          failDecoding(error);
          resolve();
        });
        parser.end(resolve);
      });
    } catch (error) {
      failDecoding(error);
    }
  };

  if (isBody(input.source)) {
    const whole = wholeTar(input.source, input.compression, archiveName);
    if (whole) {
      input.signal?.throwIfAborted();
      try {
        parser.write(whole);
      } catch (error) {
        failDecoding(error);
      }
      if (failure === undefined) await endParser();
      if (failure !== undefined) throw failure;
      return { decoder: input.compression === 'gzip' ? 'zlib gunzip (whole)' : 'none' };
    }
  }
  const source = await openDecompressed(isBody(input.source) ? Readable.from(input.source) : input.source, input.compression, { name: archiveName, ...input.decompress });
  let streamEnded = false;
  const blocks = new WholeBlocks((block) => parser.write(block));
  try {
    for await (const chunk of source.stream) {
      if (failure !== undefined) break;
      input.signal?.throwIfAborted();
      blocks.write(chunk as Buffer);
      passedTransientBytes((chunk as Buffer).length);
    }
    blocks.flush();
    streamEnded = failure === undefined;
  } catch (error) {
    // Thrown by the decompressor while we iterate, or by the parser's own: the data is bad.
    failDecoding(error);
  }
  if (!streamEnded) {
    source.cancel();
    await source.finished.catch(() => undefined);
    throw failure;
  }
  // A helper process that failed explains a short or empty stream better than the tar parser would.
  await source.finished;
  await endParser();
  if (failure !== undefined) throw failure;
  return { decoder: source.decoder };
}

function isBody(source: ExtractTarInput['source']): source is readonly Buffer[] {
  return Array.isArray(source);
}

/**
 * The tar bytes of a whole archive in memory, or undefined when it is to be streamed: a body over
 * WHOLE_ARCHIVE_MAX_BYTES, compressed otherwise than with gzip, or a tar over WHOLE_TAR_MAX_BYTES
 * (zlib stops there: a bomb costs that much memory at most, and the stream's byte budget judges it).
 */
function wholeTar(body: readonly Buffer[], compression: ExtractTarInput['compression'], archiveName: string): Buffer | undefined {
  let bytes = 0;
  for (const chunk of body) bytes += chunk.length;
  if (bytes > WHOLE_ARCHIVE_MAX_BYTES || (compression !== 'gzip' && compression !== 'none')) return undefined;
  const archive = body.length === 1 ? body[0]! : Buffer.concat(body, bytes);
  if (compression === 'none') return archive;
  try {
    return gunzipSync(archive, { maxOutputLength: WHOLE_TAR_MAX_BYTES });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return undefined;
    throw decompressionFailed(archiveName, error);
  }
}

const BLOCK = 512;

/**
 * Hands the tar parser whole 512-byte blocks. Given a chunk that ends inside a block (nearly every
 * chunk a decompressor or pipe yields), the parser keeps the tail and copies the whole next
 * chunk behind it: a second copy of every byte of the archive, garbage waiting for the collector
 * (~30 MB more peak memory unpacking a 115 MB tar). Here only the tail (< 512 bytes) is copied.
 */
class WholeBlocks {
  private tail: Buffer | undefined;
  private tailLength = 0;

  constructor(private readonly write_: (block: Buffer) => void) {}

  write(chunk: Buffer): void {
    let offset = 0;
    if (this.tail) {
      offset = Math.min(BLOCK - this.tailLength, chunk.length);
      chunk.copy(this.tail, this.tailLength, 0, offset);
      this.tailLength += offset;
      if (this.tailLength < BLOCK) return;
      this.write_(this.tail);
      this.tail = undefined;
    }
    const end = offset + Math.floor((chunk.length - offset) / BLOCK) * BLOCK;
    if (end > offset) this.write_(offset === 0 && end === chunk.length ? chunk : chunk.subarray(offset, end));
    if (end < chunk.length) {
      // A fresh small buffer each time (from Node's pool): the parser may keep what it was given.
      this.tail = Buffer.allocUnsafe(BLOCK);
      this.tailLength = chunk.copy(this.tail, 0, end);
    }
  }

  /** What is left at the end (a truncated archive): the parser reports it. */
  flush(): void {
    if (this.tail) this.write_(this.tail.subarray(0, this.tailLength));
    this.tail = undefined;
  }
}
