/**
 * GET a small resource into memory: what the plugins' `send_request` host function, checksum
 * look-ups and the install's checksum files use. Every HTTP status is returned as data (after
 * retrying 408/429/5xx) unless `anyStatus` is false; transport failures throw `net.*` errors. Bodies above `maxBytes` are refused instead of filling memory.
 */
import { formatBytes } from '../format-bytes.js';
import { getWithRetries } from './get-with-retries.js';
import { tooLargeError, TruncatedBodyFailure } from './net-errors.js';
import type { NetSettings } from './net-settings.js';

export interface FetchBufferOptions {
  headers?: Readonly<Record<string, string>>;
  settings?: NetSettings;
  signal?: AbortSignal;
  /** Default 256 MiB; a larger declared Content-Length is refused before the body is read. */
  maxBytes?: number;
  /** How the user raises `maxBytes` (for the error's hint), as in downloadFile. */
  limitSetting?: string;
  /** Default true: every final status is returned as data. False: only 2xx, others throw `net.http_status` as in downloadFile. */
  anyStatus?: boolean;
}

export interface FetchBufferResult {
  status: number;
  body: Uint8Array;
  /** The URL that answered, after url-rewrites and redirects. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

export async function fetchBuffer(url: string, options: FetchBufferOptions = {}): Promise<FetchBufferResult> {
  const maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
  const getOptions = { headers: options.headers, settings: options.settings ?? {}, signal: options.signal, anyStatus: options.anyStatus ?? true };
  return getWithRetries(url, getOptions, async (response) => {
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body.dump();
      throw tooLargeError(response.url, `${formatBytes(declared)} (its declared length)`, maxBytes, options.limitSetting);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    await response.body.consume((chunk) => {
      size += chunk.length;
      if (size > maxBytes) throw tooLargeError(response.url, 'larger than that', maxBytes, options.limitSetting);
      chunks.push(chunk);
    });
    if (Number.isFinite(declared) && declared !== size) throw new TruncatedBodyFailure(size, declared);
    const body = Buffer.concat(chunks, size);
    return {
      status: response.status,
      body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
      url: response.url,
      headers: response.headers,
    };
  });
}
