/**
 * GET a small resource into memory: what the plugins' `send_request` host function and checksum
 * look-ups use. Every HTTP status is returned as data (after retrying 408/429/5xx); transport
 * failures throw `net.*` errors. Bodies above `maxBytes` are refused instead of filling memory.
 */
import { ProtoError } from '../errors.js';
import { formatBytes } from '../format-bytes.js';
import { getWithRetries } from './get-with-retries.js';
import { TruncatedBodyFailure } from './net-errors.js';
import type { NetSettings } from './net-settings.js';

export interface FetchBufferOptions {
  headers?: Readonly<Record<string, string>>;
  settings?: NetSettings;
  signal?: AbortSignal;
  /** Default 256 MiB. */
  maxBytes?: number;
  /** Says which setting raises `maxBytes`, for the error's hint. */
  limitHint?: string;
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
  const getOptions = { headers: options.headers, settings: options.settings ?? {}, signal: options.signal, anyStatus: true };
  return getWithRetries(url, getOptions, async (response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    await response.body.consume((chunk) => {
      size += chunk.length;
      if (size > maxBytes) {
        throw new ProtoError('net.body_too_large', `${response.url} returned more than ${formatBytes(maxBytes)}.`, options.limitHint ? { hint: options.limitHint } : {});
      }
      chunks.push(chunk);
    });
    const declared = Number(response.headers['content-length']);
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
