/**
 * Plugin locator strings (`crates/warpgate-api/src/locator.rs`, spec §6.2):
 * `file://./rel/or/abs.wasm`, `https://…`, `github://owner/repo[/project][@tag]`,
 * `registry://[host/][namespace/]image[:tag]`, `data://…`, and the legacy `source:…` and
 * `github:owner/repo` forms. Plain `http://` is refused (a plugin runs code on this machine),
 * except for loopback hosts, which only reach this machine (tests serve plugins that way).
 */
import { isAbsolute, resolve } from 'node:path';
import { ProtoError } from '../errors.js';
import type { PluginLocator } from './config-types.js';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * @param written the value from the config file (untrusted text)
 * @param baseDir the config file's directory, for relative `file://` paths
 * @param where names the setting in error messages, e.g. `/repo/.prototools [plugins] node`
 */
export function parsePluginLocator(written: string, baseDir: string, where: string): PluginLocator {
  const value = normalizeLegacy(written.trim());
  const separator = value.indexOf('://');
  if (separator === -1) {
    throw invalid(where, written, 'it has no protocol', 'Write it as file://, https://, github:// or registry://.');
  }
  const protocol = value.slice(0, separator);
  const location = value.slice(separator + 3);
  if (location === '') throw invalid(where, written, 'nothing follows the protocol');
  switch (protocol) {
    case 'file':
      return { kind: 'file', written, path: isAbsolute(location) ? location : resolve(baseDir, location) };
    case 'https':
      return { kind: 'url', written, url: checkedUrl(value, where, written) };
    case 'http': {
      const url = checkedUrl(value, where, written);
      if (!LOOPBACK_HOSTS.has(new URL(url).hostname)) {
        throw invalid(where, written, 'plugins must be downloaded over https://', 'Use an https:// URL.');
      }
      return { kind: 'url', written, url };
    }
    case 'github':
      return parseGitHub(location, written, where);
    case 'registry':
      return parseRegistry(location, written, where);
    case 'data':
      return { kind: 'data', written, data: value };
    default:
      throw invalid(where, written, `the protocol "${protocol}" is not supported`, 'Use file://, https://, github:// or registry://.');
  }
}

/** `source:https://…` → the URL, `source:path` → `file://path`, `github:o/r` → `github://o/r`. */
function normalizeLegacy(value: string): string {
  if (value.startsWith('source:')) {
    const source = value.slice('source:'.length);
    return source.startsWith('http') ? source : `file://${source}`;
  }
  if (value.startsWith('github:') && !value.includes('//')) return `github://${value.slice('github:'.length)}`;
  return value;
}

function checkedUrl(value: string, where: string, written: string): string {
  try {
    new URL(value);
    return value;
  } catch {
    throw invalid(where, written, 'it is not a valid URL');
  }
}

function parseGitHub(location: string, written: string, where: string): PluginLocator {
  const at = location.indexOf('@');
  const tag = at === -1 ? undefined : location.slice(at + 1);
  const [owner = '', repo = '', project] = (at === -1 ? location : location.slice(0, at)).split('/');
  if (owner === '' || repo === '') throw invalid(where, written, 'a GitHub locator needs owner/repo');
  if (tag === '') throw invalid(where, written, 'the tag after "@" is empty');
  return {
    kind: 'github',
    written,
    owner,
    repo,
    ...(project ? { project } : {}),
    ...(tag === undefined ? {} : { tag }),
  };
}

function parseRegistry(location: string, written: string, where: string): PluginLocator {
  let query = location;
  let tag: string | undefined;
  // The tag follows the last ':' after the last '/' (a ':' before it is a host's port).
  const colon = query.lastIndexOf(':');
  if (colon !== -1 && colon > query.lastIndexOf('/')) {
    tag = query.slice(colon + 1);
    query = query.slice(0, colon);
  }
  let registry: string | undefined;
  const slash = query.indexOf('/');
  // A first segment that looks like a host is the registry (`ghcr.io/...`, `127.0.0.1:5000/...`,
  // `localhost/...`), as Docker references are read.
  const first = slash === -1 ? '' : query.slice(0, slash);
  if (first.includes('.') || first.includes(':') || first === 'localhost') {
    registry = first;
    query = query.slice(slash + 1);
  }
  const lastSlash = query.lastIndexOf('/');
  const image = lastSlash === -1 ? query : query.slice(lastSlash + 1);
  const namespace = lastSlash === -1 ? '' : query.slice(0, lastSlash);
  if (image === '') throw invalid(where, written, 'a registry locator needs an image name');
  if (tag === '') throw invalid(where, written, 'the tag after ":" is empty');
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(namespace === '' ? image : `${namespace}/${image}`)) {
    throw invalid(where, written, 'an OCI repository name has lowercase letters, digits and . _ - / only');
  }
  if (tag !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) throw invalid(where, written, `"${tag}" is not a valid tag`);
  return {
    kind: 'registry',
    written,
    image,
    ...(registry === undefined ? {} : { registry }),
    ...(namespace === '' ? {} : { namespace }),
    ...(tag !== undefined ? { tag } : {}),
  };
}

function invalid(where: string, written: string, reason: string, hint?: string): ProtoError {
  return new ProtoError('config.invalid_locator', `Invalid plugin locator "${written}" at ${where}: ${reason}`, {
    hint: hint ?? 'See https://moonrepo.dev/docs/proto/config#plugins for the accepted forms.',
  });
}

/** A locator as `plugin list`, `plugin info` and `plugin search` show it: a file as its absolute `file://` URL, anything else as written. */
export function describeLocator(locator: PluginLocator): string {
  return locator.kind === 'file' ? `file://${locator.path}` : locator.written;
}
