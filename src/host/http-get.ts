/**
 * The default GET behind `send_request` when the embedder gives none: the network module with
 * default settings. Embedders that have user settings (url-rewrites, proxies, offline) pass
 * their own `httpGet` built with `httpGetWith(settings)`. The network module (undici) is loaded
 * on the first request: most plugin runs (`proto run`, shims) never make one.
 */
import type { NetSettings } from '../net/index.js';
import type { HttpGet } from './functions/context.js';

export function httpGetWith(settings: NetSettings): HttpGet {
  return async (url, headers, signal) => {
    const { fetchBuffer } = await import('../net/index.js');
    const { status, body } = await fetchBuffer(url, { headers, settings, signal });
    return { status, body };
  };
}

export const defaultHttpGet: HttpGet = httpGetWith({});
