/**
 * The resolved-executable cache that makes warm shims fast.
 *
 * After `proto run` (started by a shim) has resolved a version, it writes an entry for the pair
 * (shim name, directory): a sh fragment the shim sources. The fragment re-checks, with builtins
 * only, everything that decided the answer:
 * - each environment variable that detection read (`PROTO_<ID>_VERSION`, `PROTO_ENV`, `HOME`, ...)
 *   still has the same value, or is still unset;
 * - each candidate file that did not exist (a `.prototools` or version file in a closer or farther
 *   directory) still does not;
 * - each file that existed (config files, version files, the tool's manifest.json) is not newer
 *   than the entry itself, whose mtime is set to the newest of theirs (plus a microsecond, for the
 *   rounding of utimes): any later write to one of them makes it newer.
 *   Shells that compare whole seconds (dash and bash compare nanoseconds) could miss a second edit
 *   within the same second; a file put back with an OLD mtime (`cp -p`) is not noticed either;
 * - the executable is still there.
 * Then it sets `_proto_exe` and exports the run environment. Any failed check returns 1 and the
 * shim falls back to `proto run`, which writes a fresh entry.
 *
 * Where an entry may live: only under the cache root, at a path made from a canonical `$PWD`
 * (absolute, no `.`/`..`/empty components): an inherited `PWD=/../../x` would otherwise lead the
 * entry, and the shim's `.`, out of the store. The shim checks the same, and sources only an
 * entry owned by the user; the directories are created 0700 and the entries 0600, whatever the
 * umask, so no one else can write one.
 */
import { mkdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import type { Store } from '../store/index.js';
import { isShellVariableName } from './names.js';
import { quoteShellWord } from './shell-words.js';

export function shimCacheRoot(store: Store): string {
  return join(store.shimsDir, '.cache');
}

/** True for a `$PWD` the cache may use: absolute and canonical (what the shim's `case` accepts too). */
export function isCanonicalPwd(pwd: string): boolean {
  return isAbsolute(pwd) && normalize(pwd) === pwd && (pwd === '/' || !pwd.endsWith('/')) && !pwd.includes('\0');
}

/** Where the entry of shim `name` for directory `pwd` (the shim's `$PWD`) lives; undefined for a PWD the cache refuses. */
export function shimCacheEntryPath(store: Store, name: string, pwd: string): string | undefined {
  if (!isCanonicalPwd(pwd)) return undefined;
  return join(shimCacheRoot(store), name, pwd, '@entry');
}

export interface ShimCacheEntry {
  shimName: string;
  /** The shim's `$PWD` when it started `proto run` (`PROTO_SHIM_PWD`). */
  pwd: string;
  /** Absolute path of the executable to exec. */
  exe: string;
  /** Variables whose value decided the version; `undefined` = was unset. */
  env: Record<string, string | undefined>;
  /** Files that existed and decided the version (config, version files, manifest). */
  presentFiles: string[];
  /** Candidate files that did not exist; one appearing may change the answer. */
  absentFiles: string[];
  /** Exported for the tool (e.g. `PROTO_<ID>_VERSION`, `[env]` from config). */
  exports: Record<string, string>;
  /** Removed from the tool's environment (`[env]` entries set to false). */
  unset?: string[];
  /** Dirs prepended to PATH for the tool (its exes_dirs). */
  pathPrepend: string[];
  /** The version's `.last-used`, touched on every fast run (unless PROTO_SKIP_USED_AT) so `proto clean` sees it in use. */
  usedFile?: string;
}


export function renderShimCacheEntry(entry: ShimCacheEntry): string {
  const q = quoteShellWord;
  const lines = [`# written by \`proto run\` for shim "${entry.shimName}" in ${entry.pwd}; any failed check falls back to proto`];
  for (const [name, value] of Object.entries(entry.env)) {
    if (!isShellVariableName(name)) return `# variable name ${JSON.stringify(name)} cannot be checked in sh\nreturn 1\n`;
    lines.push(value === undefined ? `[ -z "\${${name}+x}" ] || return 1` : `[ "\${${name}-}" = ${q(value)} ] && [ -n "\${${name}+x}" ] || return 1`);
  }
  for (const file of entry.absentFiles) lines.push(`[ -e ${q(file)} ] && return 1`);
  for (const file of entry.presentFiles) lines.push(`[ -e ${q(file)} ] && [ ! ${q(file)} -nt "$_proto_entry" ] || return 1`);
  lines.push(`_proto_exe=${q(entry.exe)}`, '[ -x "$_proto_exe" ] || return 1');
  // `[env]` names come from .prototools files: only those a shell can export are written.
  for (const name of entry.unset ?? []) if (isShellVariableName(name)) lines.push(`unset ${name}`);
  for (const [name, value] of Object.entries(entry.exports)) if (isShellVariableName(name)) lines.push(`export ${name}=${q(value)}`);
  if (entry.pathPrepend.length > 0) lines.push(`export PATH=${q(entry.pathPrepend.join(':'))}":$PATH"`);
  // A builtin with a redirect: no process. Not `:`, whose failed redirect would end a POSIX sh.
  // PROTO_SKIP_USED_AT is honoured here as in `proto run` (Inventory.markUsed).
  if (entry.usedFile) lines.push(`[ -n "\${PROTO_SKIP_USED_AT-}" ] || true 2>/dev/null >${q(entry.usedFile)} || true`);
  lines.push('return 0', '');
  return lines.join('\n');
}

/** The newest mtime among `files`, in seconds, rounded up to the microsecond; undefined for none. */
export function newestMtimeSeconds(files: readonly string[]): number | undefined {
  let newestNs: bigint | undefined;
  for (const file of files) {
    const mtimeNs = statSync(file, { bigint: true }).mtimeNs;
    if (newestNs === undefined || mtimeNs > newestNs) newestNs = mtimeNs;
  }
  if (newestNs === undefined) return undefined;
  // Seconds as a double keep about 0.25 µs at today's epoch: one extra microsecond keeps the stamp
  // at or after the newest file once utimes has rounded it.
  const micros = (newestNs + 999n) / 1000n + 1n;
  return Number(micros) / 1e6;
}

/**
 * Writes the entry atomically, stamped with the newest mtime of its files (see the module
 * comment). Returns its path, or undefined when the PWD is not one the cache may use.
 */
export function writeShimCacheEntry(store: Store, entry: ShimCacheEntry): string | undefined {
  const path = shimCacheEntryPath(store, entry.shimName, entry.pwd);
  if (path === undefined) return undefined;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // Not writeFileAtomic: the stamp must be on the temp file before the rename (a shim compares it
  // with its files' mtimes and must never see the entry stamped wrong), and writeFileAtomic renames
  // as soon as it has written. Synchronous, so one temp name per process is enough.
  const temp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(temp, renderShimCacheEntry(entry), { mode: 0o600 });
    const stamp = newestMtimeSeconds(entry.presentFiles);
    if (stamp !== undefined) utimesSync(temp, stamp, stamp);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return path;
}
