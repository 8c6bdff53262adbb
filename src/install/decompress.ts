/**
 * Decompressed byte streams of a downloaded file, for the formats Node cannot read alone:
 * - gzip: node:zlib (in the thread pool, overlapping our tar parsing);
 * - xz: the system `xz` when present (fast, native), else the bundled `xz-decompress`
 *   WebAssembly decoder (slower, needs nothing installed); `settings.unpack.xzDecoder` can force one;
 * - bzip2 and compress (.Z): the system `bzip2` / `gzip`;
 * - zstd: node:zlib when this Node has a zstd decoder that refuses a cut stream (24 does; 22.15+ has
 *   one that does not), else the system `zstd`.
 * A missing decoder is a clear `install.unsupported_archive` error naming what to install.
 *
 * The compressed bytes come from a file, or from a stream (an archive unpacked while it downloads,
 * see unpack-while-downloading.ts), which helper processes read on their stdin.
 *
 * The caller consumes `stream` and then awaits `finished`, which rejects when a helper process
 * failed (corrupt data); `cancel()` stops everything early.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import * as zlib from 'node:zlib';
import { ProtoError } from '../errors.js';
import type { Compression } from './archive-kind.js';
import type { XzDecoderChoice } from './install-settings.js';
import { findExecutable } from './system-tools.js';

export interface DecompressedStream {
  stream: Readable;
  finished: Promise<void>;
  cancel(): void;
  /** Which decoder is used (for logs and the benchmark). */
  decoder: string;
}

export interface DecompressOptions {
  xzDecoder?: XzDecoderChoice;
  /** PATH to search for helper programs. */
  path?: string;
  /** Names the archive in errors (default: a file source's path). */
  name?: string;
}

/** A compressed file's path, or a stream of compressed bytes. */
export type CompressedSource = string | Readable;

const READ_CHUNK = 1024 * 1024;

export async function openDecompressed(source: CompressedSource, compression: Compression | 'none', options: DecompressOptions = {}): Promise<DecompressedStream> {
  const input = () => (typeof source === 'string' ? createReadStream(source, { highWaterMark: READ_CHUNK }) : source);
  const name = options.name ?? (typeof source === 'string' ? source : 'the download');
  switch (compression) {
    case 'none':
      return fromNodeStream(input(), 'none');
    case 'gzip':
      return fromNodeStream(pipeline(input(), zlib.createGunzip({ chunkSize: 256 * 1024 }), () => undefined), 'zlib gunzip');
    case 'xz':
      return openXz(source, name, options);
    case 'bzip2':
      return fromProcess(requireTool('bzip2', 'bzip2', name, options), ['-dc'], source, 'bzip2', name);
    case 'compress':
      return fromProcess(requireTool('gzip', '.Z (compress)', name, options), ['-dc'], source, 'gzip', name);
    case 'zstd': {
      const createZstd = zlibZstdDecoder();
      if (createZstd) return fromNodeStream(pipeline(input(), createZstd(), () => undefined) as unknown as Readable, 'zlib zstd');
      const zstd = findExecutable('zstd', options.path);
      if (!zstd) {
        const lacks = 'createZstdDecompress' in zlib ? 'a zstd decoder that cannot tell a cut archive' : 'no zstd support';
        throw new ProtoError('install.unsupported_archive', `Cannot unpack ${name}: this Node (${process.version}) has ${lacks}, and the zstd command is not installed.`, {
          hint: 'Install zstd (e.g. `apt-get install zstd`) or use Node 24 or newer.',
        });
      }
      return fromProcess(zstd, ['-dc', '-q'], source, 'zstd', name);
    }
  }
}

type ZstdDecoderFactory = () => NodeJS.ReadWriteStream;
let zlibZstd: ZstdDecoderFactory | null | undefined;

/**
 * node:zlib's zstd decoder, when this Node has one that refuses a stream that ends early. The one
 * of Node 22 (22.15+, measured on 22.23) ends without an error wherever its input stops, and an
 * empty input decodes to nothing: a cut `.zst` would unpack to a short file. Node 24's refuses it
 * (Z_BUF_ERROR). Told apart once per process by decoding an empty input (a few microseconds).
 */
export function zlibZstdDecoder(): ZstdDecoderFactory | null {
  if (zlibZstd !== undefined) return zlibZstd;
  const node = zlib as unknown as { createZstdDecompress?: ZstdDecoderFactory; zstdDecompressSync?: (input: Buffer) => Buffer };
  zlibZstd = null;
  if (node.createZstdDecompress && node.zstdDecompressSync) {
    try {
      node.zstdDecompressSync(Buffer.alloc(0));
    } catch {
      zlibZstd = node.createZstdDecompress;
    }
  }
  return zlibZstd;
}

/** A decoder's failure on `name`'s data: the archive is corrupt (`install.corrupt_archive`). */
export function decompressionFailed(name: string, error: unknown): ProtoError {
  const detail = (error as Error).message.replace(/\.$/, '');
  return new ProtoError('install.corrupt_archive', `${name} could not be decompressed: ${detail}.`, { cause: error });
}

/**
 * What went wrong, from a helper's stderr: its first line (bzip2 follows it with a page of
 * advice) after the `program: file: ` prefixes, which name a temp path or the helper's stdin.
 */
function helperMessage(stderr: string): string {
  const line = stderr.split('\n').find((text) => text.trim() !== '') ?? '';
  return line.slice(line.lastIndexOf(': ') + 1).trim().replace(/[.;]$/, '');
}

async function openXz(source: CompressedSource, name: string, options: DecompressOptions): Promise<DecompressedStream> {
  const choice = options.xzDecoder ?? 'auto';
  const xz = choice === 'wasm' ? undefined : findExecutable('xz', options.path);
  if (xz) return fromProcess(xz, ['-dc', '-T1'], source, 'xz', name);
  if (choice === 'system') {
    throw new ProtoError('install.unsupported_archive', `Cannot unpack ${name}: the xz command is not installed.`, {
      hint: 'Install xz-utils, or set the xz decoder to "auto" to use the bundled decoder.',
    });
  }
  // A webpack bundle: Node's ES module loader sees only its default export (the module object);
  // TypeScript loaders and our esbuild bundle see the named one.
  const xzModule = (await import('xz-decompress')) as typeof import('xz-decompress') & { default?: typeof import('xz-decompress') };
  const XzReadableStream = xzModule.XzReadableStream ?? xzModule.default!.XzReadableStream;
  const bytes = typeof source === 'string' ? createReadStream(source, { highWaterMark: READ_CHUNK }) : source;
  const input = Readable.toWeb(bytes) as unknown as ReadableStream<Uint8Array>;
  const web = new XzReadableStream(input) as unknown as WebReadableStream<Uint8Array>;
  return fromNodeStream(Readable.fromWeb(web), 'xz-decompress (wasm)');
}

function requireTool(name: string, format: string, archive: string, options: DecompressOptions): string {
  const found = findExecutable(name, options.path);
  if (!found) {
    throw new ProtoError('install.unsupported_archive', `Cannot unpack ${archive}: ${format} archives need the ${name} command, which is not installed.`, {
      hint: `Install ${name} (e.g. \`apt-get install ${name}\`).`,
    });
  }
  return found;
}

function fromNodeStream(stream: Readable, decoder: string): DecompressedStream {
  // Errors surface through the consumer's iteration; `finished` only has to exist.
  return { stream, finished: Promise.resolve(), cancel: () => stream.destroy(), decoder };
}

/** A helper process reading the file (named after `--`) or, for a stream, its stdin; `name` names the archive in errors. */
function fromProcess(command: string, flags: string[], source: CompressedSource, decoder: string, name: string): DecompressedStream {
  const fromFile = typeof source === 'string';
  const child = spawn(command, fromFile ? [...flags, '--', source] : flags, { stdio: ['pipe', 'pipe', 'pipe'] });
  // A stream that fails (the download failed or started over) stops the helper and is the error.
  let sourceError: Error | undefined;
  if (fromFile) child.stdin.end();
  else {
    // A helper that exits early (corrupt data) breaks the pipe: its exit status tells why.
    child.stdin.on('error', () => undefined);
    source.once('error', (error) => {
      sourceError = error;
      child.kill('SIGKILL');
    });
    source.pipe(child.stdin);
  }
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    if (stderr.length < 4096) stderr += text;
  });
  let cancelled = false;
  const finished = new Promise<void>((resolve, reject) => {
    child.on('error', (error) =>
      reject(new ProtoError('install.unpack_failed', `Could not run ${command}: ${error.message}.`, { cause: error })),
    );
    child.on('close', (code, signal) => {
      if (sourceError) reject(sourceError);
      else if (code === 0 || cancelled) resolve();
      else {
        reject(decompressionFailed(name, new Error(`${decoder} failed (${signal ?? `exit ${code}`}): ${helperMessage(stderr) || 'no message'}`)));
      }
    });
  });
  finished.catch(() => undefined); // observed by the caller; avoid an unhandled rejection meanwhile
  return {
    stream: child.stdout,
    finished,
    cancel: () => {
      cancelled = true;
      if (!fromFile) source.unpipe(child.stdin);
      child.kill('SIGKILL');
    },
    decoder,
  };
}
