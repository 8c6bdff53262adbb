/**
 * Which URLs the host may fetch. Downloads are verified by checksums that usually come from the
 * same server, so a plain-http download from the internet could be swapped along with its
 * checksum: only https:// is allowed, except plain http:// to a loopback host (local mirrors,
 * test servers). Redirects may not downgrade to plain http either.
 */
import { ProtoError } from '../errors.js';

export function parseFetchableUrl(url: string, original = url): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ProtoError('net.invalid_url', `"${url}" is not a valid URL${describeRewrite(url, original)}.`);
  }
  if (parsed.protocol === 'https:') return parsed;
  if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return parsed;
  if (parsed.protocol === 'http:') {
    throw new ProtoError('net.insecure_url', `Refusing to fetch ${url} over plain http${describeRewrite(url, original)}.`, {
      hint: 'Use an https:// URL, or a settings.url-rewrites rule that points at an https mirror (plain http is only allowed on loopback).',
    });
  }
  throw new ProtoError('net.invalid_url', `Unsupported URL scheme "${parsed.protocol}" in ${url}${describeRewrite(url, original)}.`);
}

/** localhost, 127.0.0.0/8 and ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function describeRewrite(url: string, original: string): string {
  return url === original ? '' : ` (rewritten from ${original})`;
}
