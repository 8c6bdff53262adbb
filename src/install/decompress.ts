/**
 * Decompressed byte streams of a downloaded file, for the formats Node cannot read alone:
 * - gzip: node:zlib (in the thread pool, overlapping our tar parsing);
 * - xz: the system `xz` when present (fast, native), else the bundled `xz-decompress`
 *   WebAssembly decoder (slower, needs nothing installed); `settings.unpack.xzDecoder` can force one;
 * - bzip2 and compress (.Z): the system `bzip2` / `gzip`;
 * - zstd: node:zlib when this Node has it (22.15+), else the system `zstd`.
 * A missing decoder is a clear `install.unsupported_archive` error naming what to install.
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
}

const READ_CHUNK = 1024 * 1024;

export async function openDecompressed(file: string, compression: Compression | 'none', options: DecompressOptions = {}): Promise<DecompressedStream> {
  const source = () => createReadStream(file, { highWaterMark: READ_CHUNK });
  switch (compression) {
    case 'none':
      return fromNodeStream(source(), 'none');
    case 'gzip':
      return fromNodeStream(pipeline(source(), zlib.createGunzip({ chunkSize: 256 * 1024 }), () => undefined), 'zlib gunzip');
    case 'xz':
      return openXz(file, options);
    case 'bzip2':
      return fromProcess(requireTool('bzip2', 'bzip2', file, options), ['-dc', '--', file], 'bzip2');
    case 'compress':
      return fromProcess(requireTool('gzip', '.Z (compress)', file, options), ['-dc', '--', file], 'gzip');
    case 'zstd': {
      const createZstd = (zlib as unknown as { createZstdDecompress?: () => NodeJS.ReadWriteStream }).createZstdDecompress;
      if (createZstd) return fromNodeStream(pipeline(source(), createZstd(), () => undefined) as unknown as Readable, 'zlib zstd');
      const zstd = findExecutable('zstd', options.path);
      if (!zstd) {
        throw new ProtoError('install.unsupported_archive', `Cannot unpack ${file}: this Node (${process.version}) has no zstd support and the zstd command is not installed.`, {
          hint: 'Install zstd (e.g. `apt-get install zstd`) or use Node 22.15 or newer.',
        });
      }
      return fromProcess(zstd, ['-dc', '-q', '--', file], 'zstd');
    }
  }
}

async function openXz(file: string, options: DecompressOptions): Promise<DecompressedStream> {
  const choice = options.xzDecoder ?? 'auto';
  const xz = choice === 'wasm' ? undefined : findExecutable('xz', options.path);
  if (xz) return fromProcess(xz, ['-dc', '-T1', '--', file], 'xz');
  if (choice === 'system') {
    throw new ProtoError('install.unsupported_archive', `Cannot unpack ${file}: the xz command is not installed.`, {
      hint: 'Install xz-utils, or set the xz decoder to "auto" to use the bundled decoder.',
    });
  }
  const { XzReadableStream } = await import('xz-decompress');
  const input = Readable.toWeb(createReadStream(file, { highWaterMark: READ_CHUNK })) as unknown as ReadableStream<Uint8Array>;
  const web = new XzReadableStream(input) as unknown as WebReadableStream<Uint8Array>;
  return fromNodeStream(Readable.fromWeb(web), 'xz-decompress (wasm)');
}

function requireTool(name: string, format: string, file: string, options: DecompressOptions): string {
  const found = findExecutable(name, options.path);
  if (!found) {
    throw new ProtoError('install.unsupported_archive', `Cannot unpack ${file}: ${format} archives need the ${name} command, which is not installed.`, {
      hint: `Install ${name} (e.g. \`apt-get install ${name}\`).`,
    });
  }
  return found;
}

function fromNodeStream(stream: Readable, decoder: string): DecompressedStream {
  // Errors surface through the consumer's iteration; `finished` only has to exist.
  return { stream, finished: Promise.resolve(), cancel: () => stream.destroy(), decoder };
}

function fromProcess(command: string, args: string[], decoder: string): DecompressedStream {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
      if (code === 0 || cancelled) resolve();
      else {
        reject(
          new ProtoError('install.corrupt_archive', `${decoder} failed to decompress (${signal ?? `exit ${code}`}): ${stderr.trim() || 'no message'}.`),
        );
      }
    });
  });
  finished.catch(() => undefined); // observed by the caller; avoid an unhandled rejection meanwhile
  return {
    stream: child.stdout,
    finished,
    cancel: () => {
      cancelled = true;
      child.kill('SIGKILL');
    },
    decoder,
  };
}
