/**
 * Where plugin indexes live (`[settings] plugin-index`, `PROTO_PLUGIN_INDEX`):
 *
 * - a local directory (a path, relative to the `.prototools` that names it): read live;
 * - a base URL, `https://…` (loopback `http://` for mirrors and tests) or `file://…`, with an
 *   `index.json` at its root (`proto plugin index build` writes it);
 * - a git repository, `git+https://…` or `git+file://…` (`#<branch or tag>` optional), cloned
 *   and refreshed with the system `git`;
 * - `proto-registry`: proto's public registry data (`registry/data/*.json` in moonrepo/proto), the
 *   default when nothing is configured, which lists proto's third-party plugins.
 */
import { isAbsolute, resolve } from 'node:path';
import type { PluginIndexSetting } from '../config/index.js';
import { ProtoError } from '../errors.js';
import { isLoopbackHost } from '../net/url-policy.js';

export type IndexSource =
  | { kind: 'dir'; written: string; path: string }
  | { kind: 'url'; written: string; /** Ends with `/`. */ url: string }
  | { kind: 'git'; written: string; url: string; ref?: string }
  | { kind: 'proto-registry'; written: string; /** Base URL of the data files, ends with `/`. */ url: string };

export const PROTO_REGISTRY = 'proto-registry';
/** Where proto itself reads its registry data (proto's `ProtoRegistry`). */
export const PROTO_REGISTRY_DATA_URL = 'https://raw.githubusercontent.com/moonrepo/proto/master/registry/data/';
/** The data files proto searches: its built-in tools and the third-party plugins. */
export const PROTO_REGISTRY_FILES = ['built-in.json', 'third-party.json'] as const;

/** The sources in force: `PROTO_PLUGIN_INDEX` (comma-separated), else the setting, else the default. */
export function configuredIndexSources(setting: readonly PluginIndexSetting[] | undefined, env: NodeJS.ProcessEnv, cwd: string): IndexSource[] {
  const fromEnv = env.PROTO_PLUGIN_INDEX?.split(',').map((part) => part.trim()).filter((part) => part !== '');
  if (fromEnv && fromEnv.length > 0) return fromEnv.map((written) => parseIndexSource(written, cwd, 'PROTO_PLUGIN_INDEX'));
  if (setting && setting.length > 0) return setting.map(({ written, baseDir }) => parseIndexSource(written, baseDir, `[settings] plugin-index in ${baseDir}`));
  return [parseIndexSource(PROTO_REGISTRY, cwd, 'the default')];
}

/** @param where names the setting in errors */
export function parseIndexSource(written: string, baseDir: string, where: string): IndexSource {
  const value = written.trim();
  if (value === PROTO_REGISTRY) return { kind: 'proto-registry', written: value, url: PROTO_REGISTRY_DATA_URL };
  if (value.startsWith('git+')) {
    const hash = value.indexOf('#');
    const url = hash === -1 ? value.slice(4) : value.slice(4, hash);
    const ref = hash === -1 ? undefined : value.slice(hash + 1);
    checkUrl(url, written, where, ['https:', 'http:', 'file:']);
    if (ref !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(ref)) throw invalid(written, where, `"${ref}" is not a branch or tag name`);
    return { kind: 'git', written: value, url, ...(ref ? { ref } : {}) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    const url = checkUrl(value, written, where, ['https:', 'http:', 'file:']);
    return { kind: 'url', written: value, url: url.endsWith('/') ? url : `${url}/` };
  }
  if (value === '') throw invalid(written, where, 'it is empty');
  return { kind: 'dir', written: value, path: isAbsolute(value) ? value : resolve(baseDir, value) };
}

/** A short label for messages and listings. */
export function describeSource(source: IndexSource): string {
  return source.kind === 'dir' ? source.path : source.written;
}

function checkUrl(value: string, written: string, where: string, protocols: string[]): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(written, where, 'it is not a valid URL');
  }
  if (!protocols.includes(url.protocol)) throw invalid(written, where, `the protocol "${url.protocol}" is not supported`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw invalid(written, where, 'plain http:// is only allowed on loopback', 'Use https://, or a settings.url-rewrites rule to a local mirror.');
  }
  return url.href;
}

function invalid(written: string, where: string, reason: string, hint?: string): ProtoError {
  return new ProtoError('plugin.invalid_index', `Invalid plugin index "${written}" (${where}): ${reason}.`, {
    hint:
      hint ??
      'An index is a directory, an https:// or file:// URL with an index.json, git+https:// or git+file:// (optionally #branch), or proto-registry.',
  });
}
