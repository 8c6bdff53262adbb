/**
 * Where a tool's global packages go, the way proto 0.30 located it (`locate_globals_dir`, spec
 * §6.6): each `globals_lookup_dirs` entry has its `$VARS` expanded — `$HOME`, `$PROTO_HOME` /
 * `$PROTO_ROOT`, `$TOOL_DIR` are built in, any other variable comes from the env and an unset or
 * empty one drops the entry — and a leading `~` is the home dir. The first candidate that exists
 * wins, else the last one; proto then creates it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface GlobalsLookupContext {
  home: string;
  /** The store root (`.proto`). */
  protoHome: string;
  /** The product dir of the version in use. */
  toolDir: string;
  env: Record<string, string | undefined>;
}

/** The expanded candidates, in order (entries naming an unset variable are dropped). */
export function expandGlobalsLookupDirs(entries: readonly string[], context: GlobalsLookupContext): string[] {
  const builtins: Record<string, string> = {
    HOME: context.home,
    PROTO_HOME: context.protoHome,
    PROTO_ROOT: context.protoHome,
    TOOL_DIR: context.toolDir,
  };
  const candidates: string[] = [];
  for (const entry of entries) {
    let missing = false;
    let path = entry.replace(/\$([A-Z0-9_]+)/g, (_, name: string) => {
      const value = builtins[name] ?? context.env[name];
      if (value === undefined || value === '') missing = true;
      return value ?? '';
    });
    if (missing) continue;
    if (path === '~' || path.startsWith('~/')) path = join(context.home, path.slice(1));
    candidates.push(resolve(path));
  }
  return candidates;
}

/** The globals dir (created), or undefined when the plugin gives no usable candidate. */
export function locateGlobalsDir(entries: readonly string[], context: GlobalsLookupContext): string | undefined {
  const candidates = expandGlobalsLookupDirs(entries, context);
  const chosen = candidates.find((dir) => existsSync(dir)) ?? candidates.at(-1);
  if (chosen) mkdirSync(chosen, { recursive: true });
  return chosen;
}
