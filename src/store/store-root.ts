/**
 * Where the proto store lives. Order (spec §6.1): an explicit root given by the caller, then
 * `PROTO_HOME` (a leading `~` is expanded), then `$XDG_DATA_HOME/proto`, then `~/.proto`.
 * Environment values are trusted as the user's own choice; relative values are resolved against
 * the current directory so that every later path is absolute.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface StoreRootOptions {
  /** Wins over everything (e.g. a `--store` flag or a test sandbox). */
  root?: string;
  /** Defaults to `process.env`. */
  env?: Record<string, string | undefined>;
  /** Defaults to `os.homedir()`. */
  homeDir?: string;
}

export function resolveStoreRoot(options: StoreRootOptions = {}): string {
  const env = options.env ?? process.env;
  const home = options.homeDir ?? homedir();
  if (options.root) return resolve(expandHome(options.root, home));
  const protoHome = env.PROTO_HOME?.trim();
  if (protoHome) return resolve(expandHome(protoHome, home));
  const xdgData = env.XDG_DATA_HOME?.trim();
  if (xdgData) return resolve(expandHome(xdgData, home), 'proto');
  return join(home, '.proto');
}

/** Expands a leading `~` or `~/` (not `~user`, which proto does not expand either). */
export function expandHome(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return path;
}
