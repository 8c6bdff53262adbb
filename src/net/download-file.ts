/**
 * Streams a URL to a file, hashing the bytes as they pass (no second read of the file). A retry
 * starts the file and the hashes over. Only 2xx responses are written; anything else throws a
 * `net.*` error that names the URL.
 */
import { createHash, type Hash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { getWithRetries } from './get-with-retries.js';
import { TruncatedBodyFailure } from './net-errors.js';
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
}

export interface DownloadFileResult {
  path: string;
  bytes: number;
  /** The URL that answered, after url-rewrites and redirects. */
  url: string;
  hashes: Partial<Record<HashAlgorithm, string>>;
}

export async function downloadFile(url: string, destination: string, options: DownloadFileOptions = {}): Promise<DownloadFileResult> {
  const algorithms = [...new Set(options.hashes ?? [])];
  const getOptions = { headers: options.headers, settings: options.settings ?? {}, signal: options.signal };
  return getWithRetries(url, getOptions, async (response) => {
    const declared = Number(response.headers['content-length']);
    const total = Number.isFinite(declared) ? declared : undefined;
    const hashers: Array<[HashAlgorithm, Hash]> = algorithms.map((name) => [name, createHash(name)]);
    const file = await fs.open(destination, 'w');
    let bytes = 0;
    try {
      options.onProgress?.({ url: response.url, bytes, total });
      for await (const chunk of response.body) {
        const buffer = chunk as Buffer;
        for (const [, hash] of hashers) hash.update(buffer);
        bytes += buffer.length;
        await file.write(buffer);
        options.onProgress?.({ url: response.url, bytes, total });
      }
    } finally {
      await file.close();
    }
    if (total !== undefined && bytes !== total) throw new TruncatedBodyFailure(bytes, total);
    const hashes: Partial<Record<HashAlgorithm, string>> = {};
    for (const [name, hash] of hashers) hashes[name] = hash.digest('hex');
    return { path: destination, bytes, url: response.url, hashes };
  });
}
