/**
 * The one place that sends HTTP requests: GET with url-rewrites, the URL policy, offline mode,
 * proxies, timeouts, a minimum speed, redirects and retries. Callers get a response to consume
 * (see send-get.ts for why bodies go to a synchronous sink); when consuming fails in a retryable
 * way (the connection breaks mid-body), the whole request is sent again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { dispatcherFor } from './dispatcher.js';
import { HttpStatusFailure, isRetryable, isRetryableStatus, offlineError, toProtoNetError } from './net-errors.js';
import { DEFAULT_HTTP, type NetSettings } from './net-settings.js';
import { detectOffline, offlineHosts } from './offline-check.js';
import { applyUrlRewrites } from './url-rewrites.js';
import { isLoopbackHost, parseFetchableUrl } from './url-policy.js';
import { isLogEnabled, log } from '../log.js';
import { ProtoError } from '../errors.js';
import { sendGet, type ResponseBody } from './send-get.js';

export interface GetOptions {
  headers?: Readonly<Record<string, string>>;
  settings: NetSettings;
  signal?: AbortSignal;
  /**
   * Hand any final status to `consume` (the plugins' `send_request` wants 404s as data).
   * Retryable statuses are still retried first. Default: only 2xx, others throw `net.http_status`.
   */
  anyStatus?: boolean;
}

export interface GetResponse {
  /** The URL that answered (after rewrites and redirects). */
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Read it with `consume` (a synchronous sink per chunk) or drop it with `dump`. */
  body: ResponseBody;
  attempt: number;
}

const MAX_REDIRECTS = 10;

/** The URL after `settings.url-rewrites`, checked against the URL policy (throws when refused). */
export function prepareUrl(url: string, settings: NetSettings): string {
  const rewritten = applyUrlRewrites(url, settings.urlRewrites);
  parseFetchableUrl(rewritten, url);
  return rewritten;
}

export async function getWithRetries<T>(
  originalUrl: string,
  options: GetOptions,
  consume: (response: GetResponse) => Promise<T>,
): Promise<T> {
  const { settings } = options;
  if (settings.offline) throw offlineError(originalUrl);
  const url = prepareUrl(originalUrl, settings);
  if (settings.offlineCheck && !isLoopbackHost(new URL(url).hostname) && (await detectOffline(settings.offlineCheck))) {
    throw offlineError(originalUrl, offlineHosts(settings.offlineCheck));
  }
  if (isLogEnabled('trace')) log('trace', 'net', `GET ${url}${url === originalUrl ? '' : ` (rewritten from ${originalUrl})`}`);
  const http = { ...DEFAULT_HTTP, ...definedOnly(settings.http ?? {}) };
  const retries = Math.max(0, Math.floor(http.retryCount));
  for (let attempt = 1; ; attempt++) {
    const last = attempt > retries;
    let response: Omit<GetResponse, 'attempt'> | undefined;
    try {
      response = await sendFollowingRedirects(url, options, http);
      if (response.status < 200 || response.status > 299) {
        if ((isRetryableStatus(response.status) && !last) || !options.anyStatus) {
          await response.body.dump().catch(() => undefined);
          throw new HttpStatusFailure(response.status, retryAfterMs(response.headers['retry-after']));
        }
      }
      return await consume({ ...response, attempt });
    } catch (error) {
      // A consumer that failed before reading the body (its file could not be made) leaves it
      // unread: let it go rather than buffer it (a no-op once it was read or dumped).
      void response?.body.dump().catch(() => undefined);
      if (error instanceof ProtoError || last || !isRetryable(error) || options.signal?.aborted) {
        throw toProtoNetError(error, url, originalUrl, attempt, http.timeoutMs);
      }
      const backoff = Math.min(http.retryBaseDelayMs * 2 ** (attempt - 1), http.retryMaxDelayMs);
      const jittered = backoff / 2 + (Math.random() * backoff) / 2;
      const serverAsked = error instanceof HttpStatusFailure ? error.retryAfterMs : undefined;
      await sleep(Math.min(Math.max(jittered, serverAsked ?? 0), http.retryMaxDelayMs), undefined, {
        signal: options.signal,
      });
    }
  }
}

async function sendFollowingRedirects(
  startUrl: string,
  options: GetOptions,
  http: { timeoutMs: number; userAgent: string; minSpeedBytesPerSecond: number; minSpeedWindowMs: number },
): Promise<Omit<GetResponse, 'attempt'>> {
  let current = parseFetchableUrl(startUrl);
  let headers = withUserAgent(options.headers ?? {}, http.userAgent);
  for (let hop = 0; ; hop++) {
    const response = await sendGet(current, {
      headers,
      dispatcher: dispatcherFor(current, options.settings),
      headersTimeout: http.timeoutMs,
      bodyTimeout: http.timeoutMs,
      signal: options.signal,
      minSpeed: { bytesPerSecond: http.minSpeedBytesPerSecond, windowMs: http.minSpeedWindowMs },
    });
    const location = response.headers.location;
    if (![301, 302, 303, 307, 308].includes(response.status) || typeof location !== 'string') {
      return { url: current.href, status: response.status, headers: response.headers, body: response.body };
    }
    await response.body.dump().catch(() => undefined);
    if (hop >= MAX_REDIRECTS) {
      throw new ProtoError('net.too_many_redirects', `${startUrl} redirected more than ${MAX_REDIRECTS} times.`);
    }
    const next = parseFetchableUrl(new URL(location, current).href);
    if (current.protocol === 'https:' && next.protocol === 'http:') {
      // Loopback is allowed by the policy, but a remote https server sending us to plain http is a downgrade.
      throw new ProtoError('net.insecure_url', `${current.href} redirected to plain http (${next.href}).`);
    }
    // Credentials are for the origin they were given for (and S3-style redirect targets reject them).
    if (next.origin !== current.origin) headers = withoutCredentials(headers);
    current = next;
  }
}

function withUserAgent(headers: Readonly<Record<string, string>>, userAgent: string): Record<string, string> {
  const hasAgent = Object.keys(headers).some((name) => name.toLowerCase() === 'user-agent');
  return hasAgent ? { ...headers } : { ...headers, 'user-agent': userAgent };
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !['authorization', 'cookie', 'proxy-authorization'].includes(name.toLowerCase())),
  );
}

function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
