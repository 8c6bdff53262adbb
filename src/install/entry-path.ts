/**
 * Path rules for archive entries, pure (no file system). Archive entry names, link targets and
 * the plugin's `archive_prefix` are all untrusted.
 *
 * - An entry name is split into components; it is unsafe (and skipped) when absolute (`/x`,
 *   `C:\x`), when any component is `..`, or when it contains NUL. `.` and empty components are
 *   dropped.
 * - `archive_prefix` is matched component-wise against the start of each entry; `*` matches
 *   within one component. Matching entries lose the prefix, others are kept unchanged (plugin-api §7.2).
 *   A prefix with `..`, an absolute prefix or NUL is refused outright.
 * - A symlink target must be relative and, resolved lexically from the link's directory, stay
 *   inside the output root. (The tree writer re-checks against the real tree, because `x/..`
 *   where `x` is itself a symlink does not resolve lexically.)
 */
import { ProtoError } from '../errors.js';

export type EntryPath = readonly string[];

export interface SplitOptions {
  /** Zip archives made on Windows may use `\`; tar names are POSIX, where `\` is a plain character. */
  backslashIsSeparator?: boolean;
}

/** Components of a safe entry name (`[]` = the root itself), or undefined when the name is unsafe. */
export function splitEntryName(name: string, options: SplitOptions = {}): EntryPath | undefined {
  if (name.includes('\0')) return undefined;
  const normalized = options.backslashIsSeparator ? name.replace(/\\/g, '/') : name;
  if (normalized.startsWith('/') || /^[A-Za-z]:([/\\]|$)/.test(normalized)) return undefined;
  const components = normalized.split('/').filter((c) => c !== '' && c !== '.');
  if (components.includes('..')) return undefined;
  return components;
}

export type PrefixMatcher = readonly RegExp[];

/** Compiles `archive_prefix`; undefined when there is nothing to strip. Throws on a hostile prefix. */
export function compileArchivePrefix(prefix: string | undefined, pluginId: string): PrefixMatcher | undefined {
  if (prefix === undefined) return undefined;
  const text = prefix.replace(/\\/g, '/');
  const components = text.split('/').filter((c) => c !== '' && c !== '.');
  if (text.includes('\0') || text.startsWith('/') || /^[A-Za-z]:/.test(text) || components.includes('..')) {
    throw new ProtoError('install.invalid_archive_prefix', `Plugin ${pluginId} gave an unsafe archive_prefix "${prefix}".`, {
      hint: 'archive_prefix must be a relative folder inside the archive, without "..".',
    });
  }
  if (components.length === 0) return undefined;
  return components.map((component) => new RegExp(`^${component.split('*').map(escapeRegExp).join('[^/]*')}$`));
}

/** The entry with the prefix removed when it matches; `[]` means "the prefix folder itself". */
export function stripArchivePrefix(path: EntryPath, prefix: PrefixMatcher | undefined): EntryPath {
  if (!prefix || path.length < prefix.length) return path;
  for (let i = 0; i < prefix.length; i++) {
    if (!prefix[i]!.test(path[i]!)) return path;
  }
  return path.slice(prefix.length);
}

/**
 * The lexical target of a symlink at `linkPath` (root-relative components), or undefined when the
 * target is absolute or climbs above the root.
 */
export function resolveSymlinkTarget(linkPath: EntryPath, target: string): EntryPath | undefined {
  if (target === '' || target.includes('\0') || target.startsWith('/') || /^[A-Za-z]:[/\\]/.test(target)) return undefined;
  const resolved = linkPath.slice(0, -1);
  for (const component of target.split('/')) {
    if (component === '' || component === '.') continue;
    if (component === '..') {
      if (resolved.length === 0) return undefined;
      resolved.pop();
    } else {
      resolved.push(component);
    }
  }
  return resolved;
}

export function displayPath(path: EntryPath): string {
  return path.length === 0 ? '.' : path.join('/');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
