/**
 * The directories a plugin may see (plugin-api §2): `/proto` = store root, `/userhome` = home,
 * `/temp` = store temp, `/cwd` = working dir. `/proto` and `/temp` are always mounted; `/userhome`
 * and `/cwd` are mounted unless the plugin's permissions leave out `fs:home` / `fs:cwd`
 * (`./permissions.ts`). An unrestricted plugin gets all four, `/cwd` included (a superset host is
 * allowed to: conversions stay correct, only the spelling of cwd files may change).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { VIRTUAL_PREFIXES } from '../protocol/index.js';
import { sortMapping, type PathMapping } from './virtual-paths.js';

export interface MountDirs {
  /** Store root (`~/.proto`). */
  protoHome: string;
  /** The user's home dir. */
  home: string;
  /** Store temp dir (`~/.proto/temp`, or `PROTO_TEMP_DIR`). */
  temp: string;
  /** The process working dir. */
  cwd: string;
}

export interface Mounts {
  mapping: PathMapping;
  /** `{ guestPath: hostPath }` for the SDK. */
  allowedPaths: Record<string, string>;
}

/** Which of the optional mounts to make (default: both). */
export interface MountChoice {
  home?: boolean;
  cwd?: boolean;
}

/** Creates each host dir first: WASI preopens of missing dirs fail (`UVWASI_ENOENT`). */
export function prepareMounts(dirs: MountDirs, choice: MountChoice = {}): Mounts {
  const mounts = mountMapping(dirs, choice);
  for (const [hostDir] of mounts.mapping) mkdirSync(hostDir, { recursive: true });
  return mounts;
}

/**
 * The mounts `prepareMounts` makes, without creating anything: what a plugin would see, for
 * those that only need to know (the metadata cache keys its answers by it; a cached answer must
 * not cost a mkdir of every mount).
 */
export function mountMapping(dirs: MountDirs, choice: MountChoice = {}): Mounts {
  const entries: Array<[string, string]> = [
    [resolve(dirs.temp), VIRTUAL_PREFIXES.temp],
    [resolve(dirs.protoHome), VIRTUAL_PREFIXES.proto],
  ];
  if (choice.home !== false) entries.push([resolve(dirs.home), VIRTUAL_PREFIXES.userhome]);
  if (choice.cwd !== false) entries.push([resolve(dirs.cwd), VIRTUAL_PREFIXES.cwd]);
  const mapping = sortMapping(entries);
  return { mapping, allowedPaths: Object.fromEntries(mapping.map(([hostDir, guest]) => [guest, hostDir])) };
}
