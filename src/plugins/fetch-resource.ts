/**
 * Reading what an index points at: listings, manifests, licenses and packages, by URL. Every URL
 * goes through `settings.url-rewrites` first (so a mirror or a test server can stand in for any
 * host), then `file://` is read from disk and anything else goes through `src/net` (the URL
 * policy, proxies, retries, offline mode). `src/net` is loaded on first use only.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { ProtoError } from '../errors.js';
import type { InstallSettings } from '../install/install-settings.js';
import type { NetSettings } from '../net/net-settings.js';
import { applyUrlRewrites } from '../net/url-rewrites.js';

/** The URL actually fetched for `url`, after the user's rewrites. */
export function rewrittenUrl(url: string, settings: NetSettings): string {
  return applyUrlRewrites(url, settings.urlRewrites);
}

/**
 * The text at `url`, or undefined when it does not exist (404, missing file) and `optional` is
 * set; any other failure throws.
 */
export async function fetchText(url: string, settings: NetSettings, options: { optional?: boolean; maxBytes?: number } = {}): Promise<string | undefined> {
  const target = rewrittenUrl(url, settings);
  const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  if (target.startsWith('file:')) {
    const path = fileURLToPath(target);
    try {
      const stat = await fs.stat(path);
      if (stat.size > maxBytes) throw new ProtoError('plugin.file_too_large', `${path} is larger than ${maxBytes} bytes.`);
      return await fs.readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && options.optional) return undefined;
      if (error instanceof ProtoError) throw error;
      throw new ProtoError('plugin.read_failed', `Cannot read ${path}${via(url, target)}: ${(error as Error).message}`, { cause: error });
    }
  }
  const { fetchBuffer } = await import('../net/index.js');
  const response = await fetchBuffer(target, { settings: { ...settings, urlRewrites: [] }, maxBytes });
  if (response.status === 404 && options.optional) return undefined;
  if (response.status !== 200) {
    throw new ProtoError('net.http_status', `GET ${target}${via(url, target)} answered ${response.status}.`, {
      hint: response.status === 404 ? 'Check the index location and that the file exists there.' : 'Try again later, or check the server.',
    });
  }
  return new TextDecoder().decode(response.body);
}

/** Copies or downloads `url` to `destination`, hashing it on the way; a download is held to `download-size`. */
export async function downloadResource(url: string, destination: string, settings: InstallSettings): Promise<{ sha256: string; bytes: number }> {
  const target = rewrittenUrl(url, settings);
  if (target.startsWith('file:')) {
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      await pipeline(
        createReadStream(fileURLToPath(target)),
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            hash.update(chunk);
            bytes += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(destination, { flags: 'wx' }),
      );
    } catch (error) {
      throw new ProtoError('plugin.read_failed', `Cannot read ${fileURLToPath(target)}${via(url, target)}: ${(error as Error).message}`, { cause: error });
    }
    return { sha256: hash.digest('hex'), bytes };
  }
  const [{ downloadFile }, { downloadLimit }] = await Promise.all([import('../net/index.js'), import('../install/install-settings.js')]);
  const result = await downloadFile(target, destination, { settings: { ...settings, urlRewrites: [] }, hashes: ['sha256'], ...downloadLimit(settings) });
  return { sha256: result.hashes.sha256!, bytes: result.bytes };
}

function via(url: string, target: string): string {
  return url === target ? '' : ` (rewritten from ${url})`;
}
