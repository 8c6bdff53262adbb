/**
 * Turns a locator into a local .wasm path. `file://` plugins are used in place; remote ones
 * (https://, github://, registry:// through oci-pull.ts) are
 * downloaded once into `~/.proto/plugins/<id>-[latest-]<sha256(locator)>.wasm` and reused while
 * younger than `settings.cache-duration` (30 days by default), and at any age when offline.
 *
 * Concurrency contract: the download goes to a temp file in the same dir and is renamed into
 * place, so two processes fetching the same plugin both end with a complete file.
 */
// node:fs's promises, read when used: node:fs/promises loads readline's modules on every start-up.
import { existsSync, promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { extname, join } from 'node:path';
import { ProtoError } from '../errors.js';
import { lazyCrypto } from '../lazy-builtins.js';
import { log } from '../log.js';
import type { InstallSettings } from '../install/install-settings.js';
import type { NetSettings } from '../net/index.js';
import { encodeComponent, type Store } from '../store/index.js';
import type { PluginLocator, RegistryConfig } from '../config/index.js';
import { isSchemaPluginPath } from '../schema/read-schema.js';

export const DEFAULT_PLUGIN_CACHE_SECONDS = 30 * 24 * 60 * 60;

export interface PluginFileOptions {
  store: Store;
  /** The network settings, and the download and unpack limits a plugin is held to. */
  settings?: InstallSettings;
  /** `[settings] registries`, for registry:// locators. */
  registries?: readonly RegistryConfig[];
  /** Where the Docker config file with registry credentials is found (`DOCKER_CONFIG`, `HOME`). */
  env?: Readonly<Record<string, string | undefined>>;
  home?: string;
  /** Seconds a cached remote plugin stays fresh; 0 = always download. */
  cacheDurationSeconds?: number;
  now?: number;
}

function cacheFileName(id: string, locator: PluginLocator): string {
  const hash = lazyCrypto().createHash('sha256').update(locator.written).digest('hex');
  // Moving targets (no tag, or `latest`) are marked as such, as warpgate names them.
  const latest = (locator.kind === 'github' && !locator.tag) || (locator.kind === 'registry' && (locator.tag ?? 'latest') === 'latest') ? 'latest-' : '';
  // A schema plugin keeps its extension: it tells which format the file is (and that it is no .wasm).
  const ext = locator.kind === 'url' && isSchemaPluginPath(locator.url) ? extname(new URL(locator.url).pathname).toLowerCase() : '.wasm';
  return `${encodeComponent(id)}-${latest}${hash}${ext}`;
}

/** The local path of the plugin's .wasm, downloading it when needed. */
export async function pluginFile(id: string, locator: PluginLocator, options: PluginFileOptions): Promise<string> {
  if (locator.kind === 'file') {
    if (!existsSync(locator.path)) {
      throw new ProtoError('plugin.not_found', `Plugin file for "${id}" not found: ${locator.path}`, {
        hint: `Check the locator ${locator.written} (file:// paths are relative to the .prototools that names them).`,
      });
    }
    return locator.path;
  }
  const { store } = options;
  const path = join(store.pluginsDir, cacheFileName(id, locator));
  const offline = options.settings?.offline === true;
  const maxAgeMs = (options.cacheDurationSeconds ?? DEFAULT_PLUGIN_CACHE_SECONDS) * 1000;
  const cached = await fs.stat(path).catch(() => undefined);
  if (cached && (offline || (options.now ?? Date.now()) - cached.mtimeMs < maxAgeMs)) {
    log('trace', 'cache', `plugin ${id}: cache hit ${path}`);
    return path;
  }
  log('trace', 'cache', `plugin ${id}: ${cached ? 'cache expired' : 'cache miss'} ${path}`);
  if (offline) {
    throw new ProtoError('plugin.offline', `The plugin for "${id}" is not cached and proto is offline.`, {
      hint: `Run once with a network connection to cache ${locator.written}.`,
    });
  }
  if (locator.kind === 'data') {
    throw new ProtoError('plugin.unsupported_locator', `The data:// plugin locator of "${id}" is not supported yet.`, {
      hint: 'Use a file://, https://, github:// or registry:// locator.',
    });
  }
  await fs.mkdir(store.pluginsDir, { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  try {
    // Loaded here, not at the top: file:// and cached plugins (most runs) need no network code.
    if (locator.kind === 'registry') {
      const { pullRegistryPlugin } = await import('./oci-pull.js');
      const pulled = await pullRegistryPlugin(id, locator, options.registries ?? [], {
        settings: options.settings ?? {},
        env: options.env ?? process.env,
        home: options.home ?? homedir(),
      });
      await fs.writeFile(temp, pulled.wasm);
    } else {
      const url = locator.kind === 'url' ? locator.url : await githubAssetUrl(locator, options.settings ?? {});
      const [{ downloadFile }, { downloadLimit }] = await Promise.all([import('../net/index.js'), import('../install/install-settings.js')]);
      await downloadFile(url, temp, { settings: options.settings, ...downloadLimit(options.settings ?? {}) });
    }
    await fs.rename(temp, path);
  } catch (error) {
    await fs.rm(temp, { force: true });
    if (cached) return path; // a stale plugin beats no plugin when the refresh fails
    throw error;
  }
  return path;
}

interface GithubRelease {
  tag_name: string;
  assets: Array<{ name: string; browser_download_url: string; content_type?: string }>;
}

/** The .wasm asset of a GitHub release (spec §6.2): `releases/latest` or `releases/tags/<tag>`. */
async function githubAssetUrl(locator: Extract<PluginLocator, { kind: 'github' }>, settings: NetSettings): Promise<string> {
  const api = `https://api.github.com/repos/${locator.owner}/${locator.repo}`;
  const token = process.env.WARPGATE_GITHUB_TOKEN ?? process.env.GH_TOKEN ?? process.env.GITHUB_TOKEN;
  const headers: Record<string, string> = { accept: 'application/vnd.github+json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const { fetchBuffer } = await import('../net/index.js');
  const getJson = async <T>(url: string): Promise<T> => {
    const response = await fetchBuffer(url, { headers, settings });
    if (response.status !== 200) {
      throw new ProtoError('plugin.github_failed', `GitHub answered ${response.status} for ${url} (locator ${locator.written}).`, {
        hint: response.status === 403 ? 'You may be rate limited: set GITHUB_TOKEN.' : 'Check the owner, repository and tag.',
      });
    }
    return JSON.parse(new TextDecoder().decode(response.body)) as T;
  };
  let release: GithubRelease;
  if (locator.tag) {
    release = await getJson<GithubRelease>(`${api}/releases/tags/${locator.tag}`);
  } else if (locator.project) {
    const releases = await getJson<GithubRelease[]>(`${api}/releases`);
    const match = releases.find((r) => r.tag_name.startsWith(`${locator.project}@`) || r.tag_name.startsWith(`${locator.project}-`));
    if (!match) throw new ProtoError('plugin.github_failed', `No release of ${locator.project} in ${locator.owner}/${locator.repo}.`);
    release = match;
  } else {
    release = await getJson<GithubRelease>(`${api}/releases/latest`);
  }
  const asset = release.assets.find((a) => a.content_type === 'application/wasm' || a.name.endsWith('.wasm'));
  if (!asset) {
    throw new ProtoError('plugin.github_failed', `Release ${release.tag_name} of ${locator.owner}/${locator.repo} has no .wasm asset.`);
  }
  return asset.browser_download_url;
}
