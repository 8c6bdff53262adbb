/**
 * Host ↔ guest path mapping (plugin-api §2, §2).
 *
 * A mapping is a list of `[hostDir, guestPrefix]`, sorted deepest host dir first so that the most
 * specific mount wins (the store `~/.proto` sorts before the home dir that contains it).
 * Matching is per path component: `/protox` is not under `/proto`.
 */
import { posix, resolve, sep } from 'node:path';
import { realPathInsideDirs } from '../store/inside-dir.js';
import type { VirtualPathObject, VirtualPathWire } from '../protocol/index.js';

export type PathMapping = ReadonlyArray<readonly [hostDir: string, guestPrefix: string]>;

/**
 * The real path of `hostPath` (every symlink resolved) when it lies inside one of the mounts'
 * real directories; undefined when it leads out of them (or does not exist).
 */
export function realPathInsideMounts(mapping: PathMapping, hostPath: string): string | undefined {
  return realPathInsideDirs(hostPath, mapping.map(([hostDir]) => hostDir));
}

/** Component-wise prefix test: the path equals the prefix or continues with a separator. */
export function isUnder(path: string, prefix: string, separator = '/'): boolean {
  if (path === prefix) return true;
  const base = prefix.endsWith(separator) ? prefix : prefix + separator;
  return path.startsWith(base);
}

function relativeTo(path: string, prefix: string, separator = '/'): string {
  return path === prefix ? '' : path.slice(prefix.endsWith(separator) ? prefix.length : prefix.length + 1);
}

/** Sorts like proto's `sort_paths_list`: by host path descending, then guest path, component-wise. */
export function sortMapping(mapping: PathMapping): Array<[string, string]> {
  const byComponents = (a: string, b: string) => {
    const left = a.split(/[\\/]/);
    const right = b.split(/[\\/]/);
    for (let i = 0; i < Math.min(left.length, right.length); i++) {
      if (left[i] !== right[i]) return left[i]! < right[i]! ? -1 : 1;
    }
    return left.length - right.length;
  };
  return mapping
    .map(([host, guest]) => [host, guest] as [string, string])
    .sort((a, b) => byComponents(b[0], a[0]) || byComponents(b[1], a[1]));
}

export interface VirtualMatch {
  virtualPath: string;
  guestPrefix: string;
  hostDir: string;
}

/**
 * The guest spelling of a host path, or undefined when no mount contains it.
 * A path that already is a guest path is returned as it is.
 */
export function toVirtual(mapping: PathMapping, path: string): VirtualMatch | undefined {
  for (const [hostDir, guestPrefix] of mapping) {
    if (isUnder(path, guestPrefix)) return { virtualPath: path, guestPrefix, hostDir };
    if (isUnder(path, hostDir, sep)) {
      const rest = relativeTo(path, hostDir, sep).split(sep).join('/');
      return { virtualPath: rest ? posix.join(guestPrefix, rest) : guestPrefix, guestPrefix, hostDir };
    }
  }
  return undefined;
}

/**
 * The host path of a guest path; a path under no guest prefix (already real) is returned unchanged.
 * `..` is resolved first, so `/proto/../../etc` is `/etc`, not a path that claims to be in the store.
 */
export function toReal(mapping: PathMapping, guestPath: string): string {
  const path = guestPath.startsWith('/') ? posix.normalize(guestPath) : guestPath;
  for (const [hostDir, guestPrefix] of mapping) {
    if (isUnder(path, hostDir, sep) && !isUnder(path, guestPrefix)) return path;
    if (isUnder(path, guestPrefix)) {
      const rest = relativeTo(path, guestPrefix);
      return rest ? resolve(hostDir, ...rest.split('/')) : hostDir;
    }
  }
  return path;
}

/**
 * The maximally compatible wire form of a host path (spec §0 item 4): the object form with
 * `real_prefix` when the path is under a mount, else the plain string.
 */
export function toWirePath(mapping: PathMapping, hostPath: string): VirtualPathWire {
  const match = toVirtual(mapping, hostPath);
  if (!match) return hostPath;
  const wire: VirtualPathObject = {
    path: match.virtualPath,
    virtual_prefix: match.guestPrefix,
    real_prefix: match.hostDir,
  };
  return wire;
}

/**
 * The host path of a VirtualPath a guest sent us, in either shape. The object form carries its own
 * prefixes, but we trust only our mapping: a guest cannot widen its access by inventing a prefix.
 */
export function wirePathToReal(mapping: PathMapping, value: unknown): string | undefined {
  if (typeof value === 'string') return toReal(mapping, value);
  if (value && typeof value === 'object' && typeof (value as { path?: unknown }).path === 'string') {
    return toReal(mapping, (value as { path: string }).path);
  }
  return undefined;
}
