/**
 * File names chosen by plugins (`download_name`, `checksum_name`) or taken from URLs become paths
 * in our staging dir, so they must be one plain path component.
 */
import { ProtoError } from '../errors.js';

export function plainFileName(name: string, what: string, pluginId: string): string {
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
    throw new ProtoError('install.invalid_file_name', `Plugin ${pluginId} gave an unusable ${what} "${name}".`, {
      hint: 'A file name must be a single path component (no "/", "\\", "." or "..").',
    });
  }
  return name;
}

/** The last path segment of a URL, decoded (`…/node-v20.tar.xz?x=1` → `node-v20.tar.xz`). */
export function lastUrlSegment(url: string, what: string, pluginId: string): string {
  let segment = '';
  try {
    const pathname = new URL(url).pathname;
    segment = decodeURIComponent(pathname.slice(pathname.lastIndexOf('/') + 1));
  } catch {
    throw new ProtoError('install.invalid_url', `Plugin ${pluginId} gave an invalid ${what} "${url}".`);
  }
  return plainFileName(segment, `file name in ${what} ${url}`, pluginId);
}
