/**
 * The plugin metadata cache: what a plugin says about itself, kept on disk so that commands whose
 * answer is already there (`list-remote` with cached versions, `bin`, `list`, `status`, `run`
 * without a shim cache entry) never start the plugin. A WASM plugin costs a worker, a compile and
 * an instantiation before its first answer; a cached answer costs one small file read.
 *
 * Cached: `register_tool`, `detect_version_files` and `locate_executables` (per installed
 * version), plus which functions the plugin exports (so `has()` needs no module; hook plugins use
 * the cache for this alone, so that a run asks only the hooks that export `pre_run`). These describe
 * the plugin, not the moment: proto's plugins compute them from their config alone. Everything
 * else (`load_versions` has its own cache; hooks, installs, resolution) always runs the plugin,
 * started on the first call that needs it.
 *
 * An entry is keyed by a digest of what the plugin is loaded with: its id and file (or bytes),
 * the host it is told about, its mounts except `/cwd` (so that a new directory still hits), the
 * tool config and extra config keys, its permissions and limits, and the proto version claimed.
 * Invalid permissions fail here as they do when the plugin loads. Inside, the plugin's sha256
 * decides: a file whose size, times or inode changed is hashed again, and a different digest is a
 * miss. A miss loads the plugin at once, as without the cache, so a broken plugin fails where it
 * always did. `PROTO_CACHE=off` turns the cache off; an unreadable or unwritable entry only costs
 * speed.
 *
 * Concurrency: entries are written whole with the atomic-write helper; two processes writing the
 * same entry write equal answers, and the last rename wins. A new entry, or one that gained
 * `register_tool` or `detect_version_files`, is written with the next located executables or
 * when the plugin closes: one write per tool and command (each write creates a file).
 */
import { readFileSync } from 'node:fs';
import { fileDigestSync, fileFingerprint, pluginDigest, rememberFileDigest } from '../host/module-cache.js';
import { mountMapping, type MountDirs } from '../host/mounts.js';
import { PluginPermissions } from '../host/permissions.js';
import type { PluginLimits } from '../host/plugin-container.js';
import { pluginEnvironment } from '../host/plugin-config.js';
import type { DetectedHost } from '../host/host-environment.js';
import { ToolPlugin } from '../host/tool-plugin.js';
import type { PathMapping } from '../host/virtual-paths.js';
import { log } from '../log.js';
import {
  CLAIMED_PROTO_VERSION,
  HOOK_PLUGIN_FUNCTIONS,
  PLUGIN_FUNCTIONS,
  VIRTUAL_PREFIXES,
  type DetectVersionOutput,
  type LocateExecutablesInput,
  type LocateExecutablesOutput,
  type PluginFunction,
  type PluginInput,
  type PluginOutput,
  type RegisterToolOutput,
} from '../protocol/index.js';
import { isCacheDisabled, writeFileAtomic, type Store } from '../store/index.js';

/** Bump when what an entry holds, or what the host tells plugins, changes meaning. */
const ENTRY_FORMAT = 2;

/** The exports an entry records: every protocol function, and what a hook plugin may export. */
const RECORDED_EXPORTS: readonly string[] = [...new Set<string>([...PLUGIN_FUNCTIONS, ...HOOK_PLUGIN_FUNCTIONS])];

/** A plugin that takes calls outside the typed protocol (the WASM container does). */
interface RawCalls {
  callRaw(fn: string, input: string): Promise<string>;
}

interface MetadataEntry {
  format: typeof ENTRY_FORMAT;
  id: string;
  /** What the plugin was loaded with (see `entryKey`); the file name is only a digest of it. */
  key: string;
  /** The plugin's sha256, and the file's stat fingerprint when it was last hashed. */
  plugin: { sha256: string; fingerprint: string | null };
  exports: string[];
  answers: {
    register_tool?: RegisterToolOutput;
    detect_version_files?: DetectVersionOutput;
    /** By `locationKey` (version and install dir). */
    locate_executables?: Record<string, LocateExecutablesOutput>;
  };
}

export interface CachedPluginRequest<P extends ToolPlugin = ToolPlugin> {
  id: string;
  /** A plugin file, or the module's bytes. */
  wasm: string | Uint8Array;
  store: Store;
  dirs: MountDirs;
  host?: Partial<DetectedHost>;
  toolConfig?: Record<string, unknown>;
  /** Extra config keys. */
  config?: Record<string, string>;
  env?: Readonly<Record<string, string | undefined>>;
  /** What the plugin may do (undefined: unrestricted); decides the mounts, so it is part of the key. */
  permissions?: readonly string[];
  /** Ceilings the plugin runs under; an answer cached under other ceilings is not reused. */
  limits?: PluginLimits;
  /** Loads the real plugin (WASM or schema), when an answer is not in the cache. */
  open: () => Promise<P>;
}

/**
 * The plugin of `request`, answering from the cache when it holds a valid entry (the real plugin
 * then starts on the first call the cache cannot answer), else loaded now.
 */
export async function openCachedPlugin<P extends ToolPlugin>(request: CachedPluginRequest<P>): Promise<P | CachedPlugin> {
  if (isCacheDisabled((request.env ?? process.env).PROTO_CACHE)) return request.open();
  const source = identify(request.wasm);
  // A file we cannot stat is the real loader's to report.
  if (!source) return request.open();
  // As the plugin container does: a permission list that does not parse fails even on a cache hit.
  const permissions = PluginPermissions.parse(request.permissions, `The permissions of plugin "${request.id}"`);
  // The mapping only: the dirs are made when the plugin starts (its container prepares them).
  const { mapping } = mountMapping(request.dirs, { home: permissions.mountsHome, cwd: permissions.mountsCwd });
  const key = entryKey(request, mapping, source.name);
  const path = request.store.pluginMetadataPath(request.id, shortDigest(key));
  const found = readEntry(path, request.id, key);
  const vouched = found && found.plugin.fingerprint === source.fingerprint ? found.plugin.sha256 : undefined;
  // The entry's digest, for the file as it was when the entry was written: the plugin's loader
  // (module-cache.ts) then need not hash the file again (source.sha256() remembers what it hashes).
  if (vouched !== undefined && typeof request.wasm === 'string' && source.fingerprint !== null) rememberFileDigest(request.wasm, source.fingerprint, vouched);
  const sha256 = vouched ?? source.sha256();
  if (found && found.plugin.sha256 === sha256) {
    log('trace', 'cache', `plugin metadata of ${request.id}: cache hit ${path}`);
    const refreshed = found.plugin.fingerprint === source.fingerprint;
    const entry = refreshed ? found : { ...found, plugin: { sha256, fingerprint: source.fingerprint } };
    const plugin = new CachedPlugin(request, mapping, path, entry, undefined);
    // The file was touched but not changed: remember its new fingerprint.
    if (!refreshed) await plugin.save();
    return plugin;
  }
  log('trace', 'cache', `plugin metadata of ${request.id}: cache ${found ? 'stale' : 'miss'} ${path}`);
  const real = await request.open();
  const entry: MetadataEntry = {
    format: ENTRY_FORMAT,
    id: request.id,
    key,
    plugin: { sha256, fingerprint: source.fingerprint },
    exports: RECORDED_EXPORTS.filter((fn) => real.has(fn)),
    answers: {},
  };
  const plugin = new CachedPlugin(request, mapping, path, entry, real);
  // Written with its first answer (a tool's register_tool, asked at once), or when the plugin
  // closes: a hook plugin is asked nothing the entry holds, and its exports must still be kept.
  plugin.saveByClose();
  return plugin;
}

/**
 * A plugin whose self-description comes from the cache; anything else goes to the real plugin,
 * loaded on first need. Its answers to the cached functions are recorded on the way.
 */
export class CachedPlugin extends ToolPlugin {
  private real: Promise<ToolPlugin> | undefined;
  private closed = false;
  /** The entry changed and no answer has saved it since: `close` writes it. */
  private unsaved = false;

  constructor(
    private readonly request: CachedPluginRequest,
    mapping: PathMapping,
    private readonly path: string,
    private entry: MetadataEntry,
    loaded: ToolPlugin | undefined,
  ) {
    super(request.id, mapping, request.dirs);
    if (loaded) this.real = Promise.resolve(loaded);
  }

  /** Whether the real plugin runs in this process (tests and `--log trace` ask). */
  get started(): boolean {
    return this.real !== undefined;
  }

  has(fn: PluginFunction | string): boolean {
    return this.entry.exports.includes(fn);
  }

  async call<F extends PluginFunction>(fn: F, input: PluginInput<F>): Promise<PluginOutput<F>> {
    const cached = this.cachedAnswer(fn, input);
    if (cached !== undefined) {
      log('trace', `plugin:${this.id}`, `${fn} answered from the metadata cache`);
      // A copy: callers may change what they get, the entry must not change with it.
      return structuredClone(cached) as PluginOutput<F>;
    }
    const output = await (await this.plugin(fn)).call(fn, input);
    await this.remember(fn, input, output);
    return output;
  }

  /**
   * Calls any export of the real plugin with raw input (hook plugins' functions are outside the
   * typed protocol), starting it if need be; only a WASM plugin takes such calls.
   */
  async callRaw(fn: string, input: string): Promise<string> {
    const real: ToolPlugin & Partial<RawCalls> = await this.plugin(fn);
    if (!real.callRaw) throw this.fail(fn, 'plugin.missing_function', 'this plugin takes no raw calls (it is not a WASM plugin)');
    return real.callRaw(fn, input);
  }

  /** Forgets the executables located for `version` (it was installed again, or uninstalled). */
  async forgetLocation(version: string): Promise<void> {
    const located = this.entry.answers.locate_executables;
    if (!located) return;
    const prefix = `${version}\0`;
    const stale = Object.keys(located).filter((key) => key.startsWith(prefix));
    if (stale.length === 0) return;
    for (const key of stale) delete located[key];
    await this.save();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.unsaved) await this.save();
    const real = this.real;
    if (real) await (await real.catch(() => undefined))?.close();
  }

  /** Marks the entry to be written by the next save, at the latest when the plugin closes. */
  saveByClose(): void {
    this.unsaved = true;
  }

  /** Writes the entry; a cache that cannot be written only costs speed. */
  async save(): Promise<void> {
    this.unsaved = false;
    try {
      await writeFileAtomic(this.path, `${JSON.stringify(this.entry)}\n`);
    } catch (error) {
      log('debug', 'cache', `plugin metadata of ${this.id} not written to ${this.path}: ${(error as Error).message}`);
    }
  }

  private plugin(fn: string): Promise<ToolPlugin> {
    if (this.closed) return Promise.reject(this.fail(fn, 'plugin.closed', 'the plugin was closed'));
    if (!this.real) {
      log('trace', `plugin:${this.id}`, 'starting the plugin (an answer the metadata cache does not hold)');
      this.real = this.request.open();
      this.real.catch(() => (this.real = undefined));
    }
    return this.real;
  }

  private cachedAnswer(fn: PluginFunction, input: unknown): unknown {
    const { answers } = this.entry;
    switch (fn) {
      case 'register_tool':
        return answers.register_tool;
      case 'detect_version_files':
        return answers.detect_version_files;
      case 'locate_executables':
        return answers.locate_executables?.[locationKey(input as LocateExecutablesInput)];
      default:
        return undefined;
    }
  }

  private async remember(fn: PluginFunction, input: unknown, output: unknown): Promise<void> {
    const { answers } = this.entry;
    switch (fn) {
      case 'register_tool':
        answers.register_tool = structuredClone(output as RegisterToolOutput);
        break;
      case 'detect_version_files':
        answers.detect_version_files = structuredClone(output as DetectVersionOutput);
        break;
      case 'locate_executables':
        (answers.locate_executables ??= {})[locationKey(input as LocateExecutablesInput)] = structuredClone(output as LocateExecutablesOutput);
        // The last answer a command asks for (an install ends with it, a run is about to exec): written now, with the others.
        await this.save();
        return;
      default:
        return;
    }
    // Asked first, at load: written with a later answer of this command, or when the plugin closes.
    this.saveByClose();
  }
}

/** One located version: its version and install dir (not the cwd or temp dir of the context). */
function locationKey(input: LocateExecutablesInput): string {
  return `${input.context.version}\0${JSON.stringify(input.install_dir)}`;
}

interface PluginSource {
  /** What the key names: the absolute file path, or `bytes:<sha256>`. */
  name: string;
  /** Size, times and inode of the file (null for bytes): unchanged ⇒ same content. */
  fingerprint: string | null;
  sha256(): string;
}

function identify(wasm: string | Uint8Array): PluginSource | undefined {
  if (typeof wasm !== 'string') {
    const digest = pluginDigest(wasm);
    return { name: `bytes:${digest}`, fingerprint: null, sha256: () => digest };
  }
  const fingerprint = fileFingerprint(wasm);
  if (fingerprint === undefined) return undefined;
  return {
    name: wasm,
    fingerprint,
    // Known once hashed in this process (one `.wasm` often serves several tools), by the loader too.
    sha256: () => fileDigestSync(wasm, fingerprint),
  };
}

/**
 * What an entry is for: everything the plugin is loaded with that may change its answers. `/cwd`
 * is left out: a plugin's self-description does not depend on the directory it runs in, and the
 * first run in a new directory is exactly the run that must be fast.
 */
function entryKey(request: CachedPluginRequest, mapping: PathMapping, source: string): string {
  const mounts = mapping.filter(([, guest]) => guest !== VIRTUAL_PREFIXES.cwd);
  const { config } = pluginEnvironment({
    pluginId: request.id,
    mapping: mounts,
    home: request.dirs.home,
    host: request.host,
    toolConfig: request.toolConfig,
    extra: request.config,
  });
  const permissions = request.permissions ? [...request.permissions].sort() : null;
  return JSON.stringify({ format: ENTRY_FORMAT, proto: CLAIMED_PROTO_VERSION, id: request.id, source, config, permissions, limits: request.limits ?? null });
}

/**
 * The file name's digest of a key: two 32-bit FNV-1a hashes with different seeds. Not
 * cryptographic, and need not be (it spares loading node:crypto on every run): two keys that
 * share a name differ in the stored key, so one is a miss that takes the file over.
 */
function shortDigest(key: string): string {
  let first = 0x811c9dc5;
  let second = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    first = Math.imul(first ^ code, 0x01000193);
    second = Math.imul(second ^ code, 0x01000193) ^ (second >>> 13);
  }
  return [first, second].map((value) => (value >>> 0).toString(16).padStart(8, '0')).join('');
}

function readEntry(path: string, id: string, key: string): MetadataEntry | undefined {
  try {
    const entry = JSON.parse(readFileSync(path, 'utf8')) as MetadataEntry;
    const valid = entry?.format === ENTRY_FORMAT && entry.id === id && entry.key === key && typeof entry.plugin?.sha256 === 'string' && Array.isArray(entry.exports) && typeof entry.answers === 'object' && entry.answers !== null;
    return valid ? entry : undefined;
  } catch {
    return undefined; // a broken entry is a miss, never an error
  }
}
