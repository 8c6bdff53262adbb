/**
 * Streams a URL to a file, hashing the bytes as they pass (no second read of the file). A retry
 * starts the file and the hashes over. Only 2xx responses are written; anything else throws a
 * `net.*` error that names the URL.
 *
 * Each chunk is written with writeSync while undici waits (see send-get.ts): the socket is not
 * read meanwhile, so a slow disk slows the sender through TCP instead of piling up in memory.
 * A page-cache write of one chunk takes microseconds; the event loop is not held noticeably.
 * Creating the file is another matter: on a busy disk it can take a millisecond (the directory
 * and the journal are shared with every other file being made), so it happens in libuv's pool.
 *
 * A caller may keep a small body in memory instead (`inMemory`): no file is made, written or
 * removed, and the result holds the chunks. The destination's directory is made when it is
 * missing, so that a caller whose body may stay in memory need not make it beforehand.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { poolOpen } from '../pool-fs.js';
import { makeDirectory } from '../store/make-directory.js';
import { formatBytes } from '../format-bytes.js';
import { withPath } from '../system-errors.js';
import { passedTransientBytes } from '../transient-buffers.js';
import { getWithRetries } from './get-with-retries.js';
import { tooLargeError, TruncatedBodyFailure } from './net-errors.js';
import type { NetSettings, TransferProgress } from './net-settings.js';

/** node:crypto names; `blake2b512` is what prehashed minisign signatures sign. */
export type HashAlgorithm = 'sha256' | 'sha512' | 'blake2b512';

export interface DownloadFileOptions {
  headers?: Readonly<Record<string, string>>;
  settings?: NetSettings;
  /** Digests to compute while streaming (lowercase hex in the result). */
  hashes?: readonly HashAlgorithm[];
  onProgress?: (progress: TransferProgress) => void;
  signal?: AbortSignal;
  /**
   * The most bytes accepted: a larger declared Content-Length is refused before any byte is
   * written, a body without one is stopped when it passes the limit. Errors name `limitSetting`.
   */
  maxBytes?: number;
  /** How the user raises `maxBytes` (for the error's hint), e.g. `[settings.limits] download-size`. */
  limitSetting?: string;
  /**
   * Asked at each response (a retry asks again) with its declared length: true keeps this body in
   * memory (the result's `body`) and writes no file at `destination`. Only for bodies whose
   * declared length the caller bounds: the whole body is held until the download ends.
   */
  inMemory?: (total: number | undefined) => boolean;
  /** Each chunk of the body as it arrives, after it is hashed (and written); the same buffers as `body`. */
  onChunk?: (chunk: Buffer) => void;
}

export interface DownloadFileResult {
  /** `destination`, or undefined when the body was kept in memory (see `body`). */
  path: string | undefined;
  /** The body's chunks, in order, when `inMemory` kept it (no file was made). */
  body?: Buffer[];
  bytes: number;
  /** The URL that answered, after url-rewrites and redirects. */
  url: string;
  hashes: Partial<Record<HashAlgorithm, string>>;
}

export async function downloadFile(url: string, destination: string, options: DownloadFileOptions = {}): Promise<DownloadFileResult> {
  const algorithms = [...new Set(options.hashes ?? [])];
  const getOptions = { headers: options.headers, settings: options.settings ?? {}, signal: options.signal };
  const maxBytes = options.maxBytes ?? Infinity;
  return getWithRetries(url, getOptions, async (response) => {
    const declared = Number(response.headers['content-length']);
    const total = Number.isFinite(declared) ? declared : undefined;
    const tooLarge = (size: string) => tooLargeError(response.url, size, maxBytes, options.limitSetting);
    if (total !== undefined && total > maxBytes) {
      await response.body.dump();
      throw tooLarge(`${formatBytes(total)} (its declared length)`);
    }
    const hashers: Array<[HashAlgorithm, Hash]> = algorithms.map((name) => [name, createHash(name)]);
    const body: Buffer[] | undefined = options.inMemory?.(total) ? [] : undefined;
    // Created (or truncated: a retry) off the main thread; the chunks are then written synchronously.
    const fd = body ? undefined : await createFile(destination);
    let bytes = 0;
    try {
      options.onProgress?.({ url: response.url, bytes, total });
      await response.body.consume((chunk) => {
        bytes += chunk.length;
        if (bytes > maxBytes) throw tooLarge('larger than that');
        for (const [, hash] of hashers) hash.update(chunk);
        if (fd === undefined) body!.push(chunk);
        else {
          withPath(destination, () => {
            for (let offset = 0; offset < chunk.length; ) offset += writeSync(fd, chunk, offset, chunk.length - offset);
          });
          passedTransientBytes(chunk.length);
        }
        options.onChunk?.(chunk);
        options.onProgress?.({ url: response.url, bytes, total });
      });
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    if (total !== undefined && bytes !== total) throw new TruncatedBodyFailure(bytes, total);
    const hashes: Partial<Record<HashAlgorithm, string>> = {};
    for (const [name, hash] of hashers) hashes[name] = hash.digest('hex');
    return body ? { path: undefined, body, bytes, url: response.url, hashes } : { path: destination, bytes, url: response.url, hashes };
  });
}

/** Opens `path` for writing (created or truncated), making its directory first when it is missing. */
async function createFile(path: string): Promise<number> {
  try {
    return await poolOpen(path, 'w');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    // The store's temp dirs are removed by other processes when they see them empty: the one
    // mkdir -p that starts over when a parent vanishes meanwhile.
    await makeDirectory(dirname(path));
    return poolOpen(path, 'w');
  }
}
