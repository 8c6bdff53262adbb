/**
 * Turning transport failures into errors a user can act on. Internally a failed attempt is either
 * an HTTP status (`HttpStatusFailure`) or a transport error; `isRetryable` decides whether another
 * attempt may help (network errors, 408, 429, 5xx), `toProtoNetError` words the final failure.
 */
import { STATUS_CODES } from 'node:http';
import { ProtoError } from '../errors.js';
import { formatBytes } from '../format-bytes.js';
import { limitSetting } from '../limits.js';
import { describeRewrite } from './url-policy.js';

/** An attempt that got a response with an unwanted status. */
export class HttpStatusFailure extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`HTTP ${status} ${STATUS_CODES[status] ?? ''}`.trim());
  }
}

/** The body ended before Content-Length bytes arrived. */
export class TruncatedBodyFailure extends Error {
  constructor(
    readonly received: number,
    readonly expected: number,
  ) {
    super(`the body ended after ${received} of ${expected} bytes`);
  }
}

/** The body came slower than the minimum speed over a whole window (a trickle passes idle timeouts). */
export class TooSlowFailure extends Error {
  constructor(
    readonly bytesPerSecond: number,
    readonly minimum: number,
    readonly windowMs: number,
  ) {
    super(`the body arrived at ${Math.floor(bytesPerSecond)} bytes/s over ${formatSeconds(windowMs)}, below the minimum of ${minimum} bytes/s`);
  }
}

/**
 * `net.too_large`: a body larger than the caller accepts (`size` says by how much, e.g. its
 * declared length). `limitSetting` names what raises the limit, when a setting does.
 */
export function tooLargeError(url: string, size: string, maxBytes: number, limitSetting: string | undefined): ProtoError {
  return new ProtoError('net.too_large', `${url} is ${size}, more than the limit of ${formatBytes(maxBytes)}.`, {
    hint: limitSetting
      ? `If the file is expected to be this large, raise ${limitSetting} in .prototools.`
      : 'No setting raises this limit: check that the URL names what it should.',
  });
}

const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNREFUSED', 'ENETDOWN']);
const TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const BROKEN = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

export function isRetryable(error: unknown): boolean {
  if (error instanceof HttpStatusFailure) return isRetryableStatus(error.status);
  if (error instanceof TruncatedBodyFailure) return true;
  const code = errorCode(error);
  return code !== undefined && (UNREACHABLE.has(code) || TIMEOUTS.has(code) || BROKEN.has(code));
}

export function toProtoNetError(error: unknown, url: string, original: string, attempts: number, timeoutMs: number): Error {
  if (error instanceof ProtoError) return error;
  if ((error as Error | undefined)?.name === 'AbortError') return error as Error;
  // Writing the body failed on our side (a full disk): a file error, not a network one.
  if (typeof (error as NodeJS.ErrnoException | undefined)?.path === 'string') return error as Error;
  const where = `${url}${describeRewrite(url, original)}`;
  const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
  const host = safeHost(url);
  if (error instanceof HttpStatusFailure) {
    return new ProtoError('net.http_status', `GET ${where} failed with ${error.message}${tries}.`, {
      hint:
        error.status === 404
          ? 'The file does not exist on the server: check the version, or the plugin\'s download URL and any settings.url-rewrites.'
          : error.status === 401 || error.status === 403
            ? 'The server refused access: check credentials or the http_headers sent for this URL.'
            : 'The server failed; try again later.',
      cause: error,
    });
  }
  if (error instanceof TruncatedBodyFailure) {
    return new ProtoError('net.connection_failed', `Download of ${where} was cut short: ${error.message}${tries}.`, {
      hint: 'The connection or the server is unreliable; try again.',
      cause: error,
    });
  }
  if (error instanceof TooSlowFailure) {
    return new ProtoError('net.too_slow', `Download of ${where} was stopped: ${error.message}${tries}.`, {
      hint: `The server or the connection is too slow. Try again later, or lower ${limitSetting('downloadMinSpeed')} in .prototools (0 = no minimum).`,
      cause: error,
    });
  }
  const code = errorCode(error);
  if (code !== undefined && TIMEOUTS.has(code)) {
    return new ProtoError('net.timeout', `${host} did not answer within ${formatSeconds(timeoutMs)} for ${where}${tries}.`, {
      hint: 'The server is slow or unreachable; try again, or raise [settings.http] timeout (seconds) in .prototools.',
      cause: error,
    });
  }
  if (code !== undefined && UNREACHABLE.has(code)) {
    return new ProtoError('net.unreachable', `Cannot reach ${host} (${code}) for ${where}${tries}.`, {
      hint: 'Check your internet connection and proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY); without a network, only installed tools can be used.',
      cause: error,
    });
  }
  if (code !== undefined && BROKEN.has(code)) {
    return new ProtoError('net.connection_failed', `The connection to ${host} broke while fetching ${where} (${code})${tries}.`, {
      hint: 'The connection or the server is unreliable; try again.',
      cause: error,
    });
  }
  if (code !== undefined && TLS_CODES.has(code)) {
    return new ProtoError('net.tls_failed', `The TLS certificate of ${host} was refused for ${where} (${code}).`, {
      hint: 'Behind a proxy that re-signs TLS with its own CA? Add it with [settings.http] root-cert = "path/to/ca.pem" in .prototools.',
      cause: error,
    });
  }
  return new ProtoError('net.request_failed', `GET ${where} failed: ${(error as Error)?.message ?? String(error)}${tries}.`, {
    cause: error,
  });
}

/** Offline mode: forced (PROTO_OFFLINE), or detected when none of `probedHosts` answered. */
export function offlineError(url: string, probedHosts?: readonly string[]): ProtoError {
  if (probedHosts) {
    return new ProtoError('net.offline', `Cannot fetch ${url}: proto is offline (none of ${probedHosts.join(', ')} could be reached).`, {
      hint: 'Check your connection. Behind a firewall, list a host you can reach in [settings.offline] custom-hosts (with override-default-hosts = true), or raise its timeout.',
    });
  }
  return new ProtoError('net.offline', `Cannot fetch ${url}: proto is in offline mode.`, {
    hint: 'Connect to the internet (and unset offline mode) to download tools; installed tools keep working offline.',
  });
}

/** Certificate problems: the chain is not trusted, expired, or names another host. */
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
]);

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof cause === 'string' ? cause : undefined;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}
