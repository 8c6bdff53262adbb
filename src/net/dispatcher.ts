/**
 * The undici dispatchers behind every request: one direct agent, and one proxy agent when a proxy
 * is configured (`settings.http.proxies`/`secure-proxies`, else HTTPS_PROXY/HTTP_PROXY/NO_PROXY
 * and their lowercase forms). Loopback hosts never go through a proxy: a proxy cannot reach our
 * own loopback, and local mirrors and test servers live there.
 */
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { DEFAULT_HTTP, type NetSettings } from './net-settings.js';
import { isLoopbackHost } from './url-policy.js';

const cache = new Map<string, Dispatcher>();

export function dispatcherFor(url: URL, settings: NetSettings): Dispatcher {
  const connectTimeout = settings.http?.connectTimeoutMs ?? DEFAULT_HTTP.connectTimeoutMs;
  const proxy = isLoopbackHost(url.hostname) ? undefined : proxyConfig(settings);
  const key = JSON.stringify([connectTimeout, proxy ?? null]);
  let dispatcher = cache.get(key);
  if (!dispatcher) {
    const connect = { timeout: connectTimeout };
    dispatcher = proxy ? new EnvHttpProxyAgent({ ...proxy, connect }) : new Agent({ connect });
    cache.set(key, dispatcher);
  }
  return dispatcher;
}

interface ProxyConfig {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

function proxyConfig(settings: NetSettings): ProxyConfig | undefined {
  const env = settings.env ?? process.env;
  const read = (name: string) => env[name] ?? env[name.toLowerCase()] ?? undefined;
  const all = settings.http?.proxies?.[0];
  const httpProxy = all ?? read('HTTP_PROXY');
  const httpsProxy = settings.http?.secureProxies?.[0] ?? all ?? read('HTTPS_PROXY');
  const noProxy = settings.http?.noProxy ?? read('NO_PROXY');
  if (!httpProxy && !httpsProxy) return undefined;
  // EnvHttpProxyAgent reads the environment for any option left undefined; pass explicit empty
  // strings so that only what we resolved here applies.
  return { httpProxy: httpProxy ?? '', httpsProxy: httpsProxy ?? '', noProxy: noProxy ?? '' };
}
