/**
 * Compiled plugin modules, shared in this process by what they are made from: the sha256 of the
 * plugin's bytes and what is done to them before they compile (`variant`: the memory cap written
 * into them, memory-cap.ts). Ten tool ids served by one `.wasm` (or a hook plugin loaded for every
 * tool) read, hash, cap and compile it once. A `WebAssembly.Module` is immutable and every
 * instance of it has its own memory and state, so sharing it shares nothing a plugin can see;
 * each container still checks and instantiates it with its own mounts, config and host functions.
 *
 * The sha256 of a plugin file is known here by its path and stat fingerprint once this process
 * hashed it, or was told it by a cache that keeps it (the plugin metadata cache): the one place
 * both ask. Modules are held weakly: one no container uses any more may be collected, and is made
 * again when asked for. A module that fails (a read, the cap, the compile) is not remembered.
 */
import { readFileSync, statSync } from 'node:fs';
import { lazyCrypto } from '../lazy-builtins.js';

const modules = new Map<string, WeakRef<WebAssembly.Module>>();
const making = new Map<string, Promise<WebAssembly.Module>>();
/** Modules held strongly for a load still to come (see retainModule). */
const retained = new Set<WebAssembly.Module>();
/** sha256 of plugin files by `path\0fingerprint`. */
const fileDigests = new Map<string, string>();
const counts = { hashed: 0, prepared: 0, compiled: 0 };

/** The sha256 (hex) of a plugin's bytes. */
export function pluginDigest(bytes: Uint8Array): string {
  counts.hashed++;
  return lazyCrypto().createHash('sha256').update(bytes).digest('hex');
}

/**
 * Device, inode, size and times of a plugin file (unchanged ⇒ same content), or undefined when it
 * is not a file that can be stat'ed (its reader reports why).
 */
export function fileFingerprint(path: string): string | undefined {
  try {
    const stat = statSync(path, { bigint: true });
    return stat.isFile() ? [stat.dev, stat.ino, stat.size, stat.mtimeNs, stat.ctimeNs].join(':') : undefined;
  } catch {
    return undefined;
  }
}

/** The sha256 of plugin file `path` as it was at `fingerprint`, when this process knows it. */
export function knownFileDigest(path: string, fingerprint: string): string | undefined {
  return fileDigests.get(`${path}\0${fingerprint}`);
}

/**
 * The sha256 of plugin file `path` at `fingerprint`, known, or read and hashed now (synchronously:
 * the plugin metadata cache asks before anything runs). Remembered only if the file is still the
 * one stat'ed, not replaced meanwhile.
 */
export function fileDigestSync(path: string, fingerprint: string): string {
  const known = knownFileDigest(path, fingerprint);
  if (known !== undefined) return known;
  const digest = pluginDigest(readFileSync(path));
  if (fileFingerprint(path) === fingerprint) rememberFileDigest(path, fingerprint, digest);
  return digest;
}

/** Remembers the sha256 of plugin file `path` at `fingerprint` (hashed, or vouched for by a cache). */
export function rememberFileDigest(path: string, fingerprint: string, digest: string): void {
  fileDigests.set(`${path}\0${fingerprint}`, digest);
}

/** A plugin to compile: its bytes, or a file read only when its module is not made yet. */
export type PluginBytes = Uint8Array | { path: string; read: () => Promise<Uint8Array> };

/**
 * The compiled module of `plugin` as `prepare` changes its bytes (`variant` names how), made only
 * when no live module of the same plugin digest and variant exists. A file whose digest is known
 * (`knownFileDigest`) is not read then.
 */
export async function compileModule(plugin: PluginBytes, variant: string, prepare: (bytes: Uint8Array) => Uint8Array): Promise<WebAssembly.Module> {
  const { digest, bytes } = plugin instanceof Uint8Array ? { digest: pluginDigest(plugin), bytes: plugin } : await digestOfFile(plugin);
  const key = `${digest}\0${variant}`;
  const known = modules.get(key)?.deref();
  if (known) return known;
  const pending = making.get(key);
  // Another load's failure (a cap error names its plugin) is not this one's: it makes its own.
  if (pending) return pending.catch(() => make(digest, variant, bytes ?? plugin, prepare));
  return make(digest, variant, bytes ?? plugin, prepare);
}

/** Files being read and hashed now, by `path\0fingerprint`: loads of one file at once read it once. */
const fileReads = new Map<string, Promise<{ digest: string; bytes: Uint8Array }>>();

/** The digest of a plugin file, known or read and hashed now (then with the bytes read). */
async function digestOfFile(file: Exclude<PluginBytes, Uint8Array>): Promise<{ digest: string; bytes?: Uint8Array }> {
  const fingerprint = fileFingerprint(file.path);
  const readNow = async () => {
    const bytes = await file.read();
    return { digest: pluginDigest(bytes), bytes };
  };
  // Not a file we can stat: its read says why (or reads it after all).
  if (fingerprint === undefined) return readNow();
  const known = knownFileDigest(file.path, fingerprint);
  if (known !== undefined) return { digest: known };
  const id = `${file.path}\0${fingerprint}`;
  const reading = fileReads.get(id);
  // Another load's read error names its plugin: this one reads for itself then.
  if (reading) return reading.catch(readNow);
  const read = readNow();
  fileReads.set(id, read);
  read.then(
    ({ digest }) => rememberFileDigest(file.path, fingerprint, digest),
    () => undefined,
  ).finally(() => fileReads.delete(id));
  return read;
}

/**
 * Makes the module of plugin `digest` under `variant`. A file whose digest was known is read only
 * now, and hashed again: replaced since its stat (another process's `plugin install` renames a new
 * file in place), it is compiled as what was read, filed under that digest, never under the old one.
 */
function make(digest: string, variant: string, plugin: PluginBytes, prepare: (bytes: Uint8Array) => Uint8Array): Promise<WebAssembly.Module> {
  const key = `${digest}\0${variant}`;
  let filed = true;
  const made = (async () => {
    const bytes = plugin instanceof Uint8Array ? plugin : await plugin.read();
    if (!(plugin instanceof Uint8Array) && pluginDigest(bytes) !== digest) {
      filed = false;
      return compileModule(bytes, variant, prepare);
    }
    counts.prepared++;
    const prepared = prepare(bytes);
    counts.compiled++;
    return WebAssembly.compile(prepared);
  })();
  making.set(key, made);
  made.then(
    (module) => filed && modules.set(key, new WeakRef(module)),
    () => undefined,
  ).finally(() => {
    if (making.get(key) === made) making.delete(key);
  });
  return made;
}

/**
 * Holds `module` strongly until the returned function is called: a module compiled now for a
 * load that comes later (`plugin install` scans the module's imports, then loads it to check it)
 * is still here when that load asks, whatever the garbage collector did meanwhile.
 */
export function retainModule(module: WebAssembly.Module): () => void {
  retained.add(module);
  return () => void retained.delete(module);
}

/** How many times this process hashed plugin bytes, prepared (capped) them, and compiled them. */
export function moduleCacheCounts(): { hashed: number; prepared: number; compiled: number } {
  return { ...counts };
}
