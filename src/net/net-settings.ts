/**
 * What the network layer is told by the user's configuration (`[settings]` in `.prototools`,
 * environment). These values are trusted: they come from the user, not from plugins.
 */
import { LIMITS } from '../limits.js';

/** One `settings.url-rewrites` entry: a regex (string or RegExp) and its replacement (`$1` groups). */
export type UrlRewrite = readonly [pattern: RegExp | string, replacement: string];

export interface HttpSettings {
  /** Retries after the first attempt, for network errors, 408, 429 and 5xx (proto's `retry-count`, default 3). */
  retryCount?: number;
  /** First backoff delay; doubles per retry, with jitter (default 250 ms). */
  retryBaseDelayMs?: number;
  /** Longest single backoff delay, including a server's `Retry-After` (default 10 s). */
  retryMaxDelayMs?: number;
  /** Longest wait for a response's headers, and between two chunks of its body (default 60 s). */
  timeoutMs?: number;
  /** Longest wait for a TCP/TLS connection (default 15 s). */
  connectTimeoutMs?: number;
  /** `settings.http.proxies`: the first one is used for http:// and https:// (over HTTP_PROXY/HTTPS_PROXY). */
  proxies?: readonly string[];
  /** `settings.http.secure-proxies`: the first one is used for https:// only. */
  secureProxies?: readonly string[];
  /** Hosts that bypass the proxy, comma-separated like NO_PROXY (over NO_PROXY). */
  noProxy?: string;
  /** Sent when the caller gives no `user-agent` header. */
  userAgent?: string;
  /** `settings.http.root-cert`: a PEM file of CAs trusted besides the system's (corporate proxies). */
  rootCert?: string;
  /** `settings.http.allow-invalid-certs`: skip TLS certificate verification (the CLI warns each run). */
  allowInvalidCerts?: boolean;
  /**
   * A body slower than this over a whole `minSpeedWindowMs` is stopped with `net.too_slow` and not
   * retried (`[settings.limits] download-min-speed`; default 1024 bytes/s, 0 = no minimum).
   */
  minSpeedBytesPerSecond?: number;
  /** The window of the minimum speed (`[settings.limits] download-min-speed-window`; default 30 s). */
  minSpeedWindowMs?: number;
}

/** `[settings.offline]`: how to tell, before a request leaves the machine, that there is no network. */
export interface OfflineCheck {
  /** How long the TCP connections to `hosts` may take together. */
  timeoutMs: number;
  /** `custom-hosts`: `host:port` pairs probed besides (or, with `overrideDefaultHosts`, instead of) the defaults. */
  customHosts: readonly string[];
  overrideDefaultHosts: boolean;
}

export interface NetSettings {
  urlRewrites?: readonly UrlRewrite[];
  http?: HttpSettings;
  /** When true every request fails at once with `net.offline`. */
  offline?: boolean;
  /**
   * Detect offline mode before the first request to a non-loopback host (once per process);
   * when detected, requests to non-loopback hosts fail at once with `net.offline`.
   */
  offlineCheck?: OfflineCheck;
  /** Environment for proxy variables; defaults to `process.env`. */
  env?: Record<string, string | undefined>;
}

export const DEFAULT_HTTP = {
  retryCount: 3,
  retryBaseDelayMs: 250,
  retryMaxDelayMs: 10_000,
  timeoutMs: 60_000,
  connectTimeoutMs: 15_000,
  userAgent: 'proto-ts',
  minSpeedBytesPerSecond: LIMITS.downloadMinSpeed.default,
  minSpeedWindowMs: LIMITS.downloadMinSpeedWindow.default * 1000,
} as const;

/** Progress of one transfer; `total` is the Content-Length when the server sent one. */
export interface TransferProgress {
  url: string;
  bytes: number;
  total: number | undefined;
}
