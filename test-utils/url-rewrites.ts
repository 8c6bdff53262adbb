/**
 * Testing a plugin that is aimed at a real host (`https://nodejs.org/dist`) without the network:
 * `settings.url-rewrites` rules that send every URL under that base to a local dist server.
 * The host applies them to downloads, checksum files AND the plugin's `send_request`, so the
 * plugin itself runs unchanged.
 *
 * ```ts
 * const server = await startDistServer({ root: distDir });
 * const plugin = await createPlugin('node', { wasm, urlRewrites: urlRewritesFor('https://nodejs.org/dist', server) });
 * // https://nodejs.org/dist/v20.0.0/SHASUMS256.txt → http://127.0.0.1:<port>/v20.0.0/SHASUMS256.txt
 * ```
 */
import type { UrlRewrite } from 'proto-ts/net';

export interface UrlRewriteOptions {
  /** A path on the server to map the base onto (`/mirror`); default: the server root. */
  path?: string;
}

/**
 * One rule: `^<realBaseUrl>(/|?|#|end)` → `<server>[path]$1`. The base must end at a path
 * boundary, so `https://dist.example.dev` does not also capture `https://dist.example.dev.evil`.
 * Written in the regex/replacement syntax proto's `.prototools` uses too (`$1`).
 */
export function urlRewritesFor(realBaseUrl: string, server: string | { url: string }, options: UrlRewriteOptions = {}): UrlRewrite[] {
  const base = realBaseUrl.replace(/\/+$/, '');
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/]/i.test(base)) throw new Error(`urlRewritesFor: "${realBaseUrl}" is not an absolute URL`);
  const serverUrl = (typeof server === 'string' ? server : server.url).replace(/\/+$/, '');
  const path = options.path ? `/${options.path.replace(/^\/+|\/+$/g, '')}` : '';
  return [[`^${escapeRegExp(base)}([/?#]|$)`, `${serverUrl}${path}$1`]];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
