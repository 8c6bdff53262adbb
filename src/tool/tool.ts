/**
 * One tool as the CLI and test-utils see it: its loaded plugin, the store, and the verbs built on
 * them — list versions (with the remote-versions cache), install (pipeline + manifest + links),
 * uninstall, locate executables, relink shims and bins.
 *
 * Not here: deciding WHICH version applies (src/detect) or how a spec resolves (src/version);
 * `resolve.ts` joins those with the plugin.
 */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { DetectedHost } from '../host/host-environment.js';
import type { PluginLimits } from '../host/plugin-container.js';
import type { ToolPlugin } from '../host/tool-plugin.js';
import { httpGetWith } from '../host/http-get.js';
import type { InstallSettings, InstallToolResult } from '../install/index.js';
import type { LockedChecksum } from '../lockfile/verify-locked.js';
import type { InstallProgress } from '../install/install-settings.js';
import { executablePath, preparedExecutable } from '../link/executable.js';
import type { ShimLauncher } from '../link/shims.js';
import type { ShimRegistryBatch } from '../link/shim-registry.js';
import { ProtoError } from '../errors.js';
import { virtualPathString, type ExecutableConfig, type LoadVersionsOutput, type LocateExecutablesOutput, type RegisterToolOutput, type RunHookResult } from '../protocol/index.js';
import type { Inventory, InventoryOptions, Store } from '../store/index.js';
import { isSchemaPluginPath } from '../schema/read-schema.js';
import { log } from '../log.js';
import { createInstallPort } from './install-port.js';
import { CachedPlugin, openCachedPlugin } from './plugin-metadata.js';
import type { ToolHooks } from './tool-hooks.js';

export interface ToolLoadOptions {
  id: string;
  /**
   * The plugin: path or bytes of a `.wasm`, or the path of a schema plugin (`.toml`, `.json`,
   * `.jsonc`, `.yaml`, `.yml`), which runs on the host behind the same port.
   */
  wasm: string | Uint8Array;
  store: Store;
  /** The user's home (default: os.homedir()). */
  home?: string;
  /** The working dir (default: process.cwd()). */
  cwd?: string;
  /** `[tools.<id>]` settings sent as `proto_tool_config`. */
  toolConfig?: Record<string, unknown>;
  /** Network, unpack and lock settings (url-rewrites apply to send_request too). */
  settings?: InstallSettings;
  /** Bound of each plugin call. */
  timeoutMs?: number;
  /** What the plugin may do (`src/host/permissions.ts`); undefined = unrestricted. */
  permissions?: readonly string[];
  env?: NodeJS.ProcessEnv;
  host?: Partial<DetectedHost>;
  /** Extra manifest config keys (test_environment). */
  config?: Record<string, string>;
  /** How shims start the CLI (tests point it elsewhere). */
  launcher?: ShimLauncher;
  /** Aborts installs in progress (Ctrl-C): they stop and clean up. */
  signal?: AbortSignal;
  /** Ceilings of the plugin's memory, output and commands. */
  limits?: PluginLimits;
  /**
   * Whether the plugin's self-description may come from the metadata cache (default true; see
   * plugin-metadata.ts). Off for one-off loads that only check a plugin.
   */
  cacheMetadata?: boolean;
  /** Hook plugins, called after the tool's own hooks (none when absent). */
  hooks?: ToolHooks;
}

export class Tool {
  private locateCache = new Map<string, Promise<LocateExecutablesOutput>>();

  private constructor(
    readonly id: string,
    readonly plugin: ToolPlugin,
    readonly store: Store,
    readonly metadata: RegisterToolOutput,
    /** Where its manifest and installed versions are (register_tool `inventory_options`). */
    readonly inventory: Inventory,
    private readonly options: ToolLoadOptions,
  ) {}

  /**
   * Loads the plugin and calls `register_tool` (which also checks `minimum_proto_version`). With
   * the plugin's metadata cached, nothing is started: the plugin host (and the WASM runtime) load
   * on the first call the cache cannot answer.
   */
  static async load(options: ToolLoadOptions): Promise<Tool> {
    const { store } = options;
    const dirs = { protoHome: store.root, temp: store.tempDir, home: options.home ?? homedir(), cwd: options.cwd ?? process.cwd() };
    const httpGet = httpGetWith(options.settings ?? {});
    const open = async (): Promise<ToolPlugin> => {
      const { wasm } = options;
      if (typeof wasm === 'string' && isSchemaPluginPath(wasm)) {
        const { SchemaPlugin } = await import('../schema/schema-plugin.js');
        return SchemaPlugin.load({
          id: options.id,
          path: wasm,
          dirs,
          host: options.host,
          env: options.env,
          httpGet,
          offline: options.settings?.offline,
          ...(options.permissions ? { permissions: options.permissions } : {}),
        });
      }
      const { PluginContainer } = await import('../host/plugin-container.js');
      return PluginContainer.load({
        id: options.id,
        wasm,
        dirs,
        toolConfig: options.toolConfig,
        timeoutMs: options.timeoutMs,
        ...(options.permissions ? { permissions: options.permissions } : {}),
        env: options.env,
        host: options.host,
        config: options.config,
        httpGet,
        limits: options.limits,
      });
    };
    const plugin =
      options.cacheMetadata === false
        ? await open()
        : await openCachedPlugin({
            id: options.id,
            wasm: options.wasm,
            store,
            dirs,
            host: options.host,
            toolConfig: options.toolConfig,
            config: options.config,
            env: options.env,
            ...(options.permissions ? { permissions: options.permissions } : {}),
            limits: options.limits,
            open,
          });
    try {
      const metadata = await plugin.registerTool();
      const inventory = store.inventory(options.id, inventoryOptions(options.id, metadata, plugin));
      return new Tool(options.id, plugin, store, metadata, inventory, options);
    } catch (error) {
      await plugin.close();
      throw error;
    }
  }

  get settings(): InstallSettings {
    return this.options.settings ?? {};
  }

  /**
   * `load_versions`, through `tools/<id>/remote-versions.json` (12 h; any age when offline).
   * `refresh` skips the cache read (proto does so for `install`), but the result is still cached.
   */
  async loadVersions(initial = 'latest', options: { refresh?: boolean } = {}): Promise<LoadVersionsOutput> {
    const offline = this.settings.offline === true;
    if (!options.refresh || offline) {
      const cached = await this.inventory.readRemoteVersions({ ignoreAge: offline });
      log('trace', 'cache', `remote versions of ${this.id}: ${cached ? 'cache hit' : 'cache miss'} ${this.inventory.remoteVersionsPath()}`);
      if (cached) return cached;
    }
    const output = await this.plugin.loadVersions({ context: this.plugin.context(), initial });
    await this.inventory.writeRemoteVersions(output);
    return output;
  }

  async installedVersions(): Promise<string[]> {
    return (await this.inventory.readManifest()).installed_versions;
  }

  productDir(version: string): string {
    return this.inventory.productDir(version);
  }

  /** `locate_executables` for an installed version, once per version and tool instance. */
  locate(version: string): Promise<LocateExecutablesOutput> {
    let cached = this.locateCache.get(version);
    if (!cached) {
      const dir = this.productDir(version);
      cached = this.plugin.locateExecutables({
        context: this.plugin.context({ version, toolDir: dir, tempDir: this.store.toolTempDir(this.id) }),
        install_dir: this.plugin.toWire(dir),
      });
      this.locateCache.set(version, cached);
      cached.catch(() => this.locateCache.delete(version));
    }
    return cached;
  }

  /**
   * Installs a resolved version (plugin-api §7.2): `pre_install`, the pipeline, shims and bins, then
   * `sync_manifest`. When the version is already there (and not forced) only the links are
   * ensured and no hook runs. `post_install` is the caller's, after it has pinned: see `postInstall`.
   */
  async install(
    version: string,
    options: {
      force?: boolean;
      quiet?: boolean;
      onProgress?: (progress: InstallProgress) => void;
      onWarning?: (message: string) => void;
      /** The lockfile's checksum for this version: a different artifact is refused. */
      locked?: LockedChecksum;
      /** Records the shims with other tools' in one registry write (the caller flushes it). */
      shimRegistry?: ShimRegistryBatch;
    } = {},
  ): Promise<InstallToolResult & { shims: string[]; bins: string[] }> {
    // The pipeline (tar, zip, xz, undici) loads only when something is installed, not on every run.
    const { installTool } = await import('../install/index.js');
    // Run by installTool when the version is to be installed (its own look at manifest.json).
    const beforeInstall = async () => {
      const flags = { forced: options.force === true, pinned: false, quiet: options.quiet === true };
      const hooked = await this.options.hooks?.exports('pre_install');
      // proto tells plugins (and the commands they run) which tool is being installed.
      if (this.plugin.has('pre_install') || hooked) (this.options.env ?? process.env).PROTO_INSTALL = this.id;
      if (this.plugin.has('pre_install')) await this.plugin.preInstall(this.installHook(this.plugin, version, flags));
      // A hook plugin's veto throws here: nothing has been downloaded or written yet.
      if (hooked) await this.options.hooks!.call('pre_install', this.id, version, (hook) => this.installHook(hook, version, flags));
      // What was located for this version before describes files about to be replaced (a forced
      // reinstall): the install's own check of its primary executable must locate afresh.
      await this.forgetLocation(version);
    };
    let result: InstallToolResult;
    try {
      result = await installTool({
        store: this.store,
        plugin: createInstallPort(this.plugin, this.store, this.inventory, async (v) => (await this.executableFile(v))?.path),
        inventory: this.inventory,
        version,
        force: options.force,
        settings: this.settings,
        onProgress: options.onProgress,
        onWarning: options.onWarning,
        locked: options.locked,
        signal: this.options.signal,
        beforeInstall,
      });
    } catch (error) {
      // The install's check located the new files and cached the answer; a failed install puts the
      // previous files back (a forced reinstall), which that answer does not describe. The
      // install's own error is the one to report, also if the cache cannot be written.
      await this.forgetLocation(version).catch(() => undefined);
      throw error;
    }
    // The install located the new files once (its primary-executable check), after the commit: the
    // links reuse that answer. Only a post_script, run after that check, may have changed what is
    // there, so then they locate again.
    if (result.installed && result.ranPostScript) await this.forgetLocation(version);
    const links = await this.link(version, { batch: options.shimRegistry, installedVersions: result.installedVersions });
    if (result.installed) await this.syncManifest();
    return { ...result, ...links };
  }

  /** `post_install`, after the install and the pin (plugin-api §5.8), then the hook plugins'. */
  async postInstall(version: string, options: { forced?: boolean; pinned?: boolean; quiet?: boolean } = {}): Promise<void> {
    const flags = { forced: options.forced === true, pinned: options.pinned === true, quiet: options.quiet === true };
    if (this.plugin.has('post_install')) await this.plugin.postInstall(this.installHook(this.plugin, version, flags));
    await this.options.hooks?.call('post_install', this.id, version, (hook) => this.installHook(hook, version, flags));
  }

  /**
   * `pre_run` before the tool runs (plugin-api §5.8): the plugin's own (its result: args, env,
   * paths), then every hook plugin's, any of which may veto the run by failing.
   */
  async preRun(version: string, input: { globalsPrefix: string | null; args: string[] }): Promise<RunHookResult> {
    const hookInput = (plugin: ToolPlugin) => ({
      context: plugin.context({ version, toolDir: this.productDir(version) }),
      globals_dir: null,
      globals_prefix: input.globalsPrefix,
      passthrough_args: input.args,
    });
    const result = this.plugin.has('pre_run') ? await this.plugin.preRun(hookInput(this.plugin)) : {};
    await this.options.hooks?.call('pre_run', this.id, version, hookInput);
    return result;
  }

  /** Whether running the tool calls any `pre_run` (then the shim cache must not skip it). */
  async hasRunHooks(): Promise<boolean> {
    return this.plugin.has('pre_run') || ((await this.options.hooks?.exports('pre_run')) ?? false);
  }

  /**
   * The hook plugins' `pre_uninstall` for each version, before any is removed: one veto keeps
   * them all. `uninstall` calls it itself unless told it ran.
   */
  async preUninstall(versions: readonly string[]): Promise<void> {
    for (const version of versions) {
      await this.options.hooks?.call('pre_uninstall', this.id, version, (hook) => ({
        context: hook.context({ version, toolDir: this.productDir(version), tempDir: this.store.toolTempDir(this.id) }),
      }));
    }
  }

  /** An install hook's input for `plugin` (the tool's own, or a hook plugin with its own mounts). */
  private installHook(plugin: ToolPlugin, version: string, flags: { forced: boolean; pinned: boolean; quiet: boolean }) {
    const context = plugin.context({ version, toolDir: this.productDir(version), tempDir: this.store.toolTempDir(this.id) });
    return { context, ...flags, passthrough_args: [] };
  }

  /**
   * `sync_manifest` (plugin-api §5.7): a plugin may report the versions really installed (e.g. some were
   * removed behind our back); unless it skips, they replace `installed_versions`.
   */
  private async syncManifest(): Promise<void> {
    if (!this.plugin.has('sync_manifest')) return;
    const output = await this.plugin.syncManifest({ context: this.plugin.context() });
    if (output.skip_sync || !output.versions) return;
    const versions = output.versions;
    await this.inventory.updateManifest((manifest) => {
      manifest.installed_versions = [...new Set(versions)];
      // Metadata of known versions is kept; a version we did not install gets a default entry.
      for (const version of manifest.installed_versions) manifest.versions[version] ??= { no_clean: false, installed_at: Date.now() };
    });
  }

  /**
   * Shims from `version`'s executables, and bins for every installed version bucket. With a
   * `batch`, the shim registry is written with the batch's other tools (see ShimRegistryBatch).
   */
  async link(version: string, options: { batch?: ShimRegistryBatch; installedVersions?: readonly string[] } = {}): Promise<{ shims: string[]; bins: string[] }> {
    const { createShims, readShimRegistry, relinkBins } = await import('../link/index.js');
    const { batch } = options;
    const located = await this.locate(version);
    const shims = await createShims(this.store, this.id, located, { launcher: this.options.launcher, batch });
    const bins = await relinkBins({
      store: this.store,
      toolId: this.id,
      inventory: this.inventory,
      // An install passes the versions manifest.json listed as it recorded itself: no second read.
      installedVersions: options.installedVersions ?? (await this.installedVersions()),
      locate: (v) => this.locate(v),
      registry: batch ? await batch.current() : await readShimRegistry(this.store),
    });
    return { shims: shims.created, bins };
  }

  /** Uninstalls one version; bins are re-pointed, and shims removed with the last version. */
  async uninstall(version: string, options: { preUninstallDone?: boolean } = {}): Promise<{ uninstalled: boolean; remainingVersions: string[] }> {
    if (!options.preUninstallDone) await this.preUninstall([version]);
    const { uninstallTool } = await import('../install/index.js');
    const result = await uninstallTool({
      store: this.store,
      plugin: createInstallPort(this.plugin, this.store, this.inventory),
      inventory: this.inventory,
      version,
      settings: this.settings,
    });
    await this.forgetLocation(version);
    const { readShimRegistry, relinkBins, removeShims } = await import('../link/index.js');
    await relinkBins({
      store: this.store,
      toolId: this.id,
      inventory: this.inventory,
      installedVersions: result.remainingVersions,
      locate: (v) => this.locate(v),
      registry: await readShimRegistry(this.store),
    });
    if (result.remainingVersions.length === 0) await removeShims(this.store, this.id);
    return { uninstalled: result.uninstalled, remainingVersions: result.remainingVersions };
  }

  /**
   * One executable of an installed version (spec §6.6): the `exes` entry `name`, else the one
   * marked `primary`, else `<id>` in the product dir. Made executable first when the plugin asks
   * (`update_perms`). Undefined when `name` is not one of the tool's executables.
   */
  async executable(version: string, name?: string): Promise<{ name: string; config: ExecutableConfig; path: string } | undefined> {
    const found = await this.executableFile(version, name);
    return found && { ...found, path: preparedExecutable(this.productDir(version), found.config, this.id) };
  }

  /** Like `executable`, without touching the file (`update_perms` is not applied). */
  async executableFile(version: string, name?: string): Promise<{ name: string; config: ExecutableConfig; path: string } | undefined> {
    const located = await this.locate(version);
    let chosen: [string, ExecutableConfig] | undefined;
    if (name !== undefined) {
      const config = located.exes[name];
      chosen = config ? [name, config] : undefined;
    } else {
      chosen = Object.entries(located.exes).find(([, config]) => config.primary && config.exe_path) ?? [this.id, { exe_path: this.id }];
    }
    if (!chosen) return undefined;
    const [exeName, config] = chosen;
    return { name: exeName, config, path: executablePath(this.productDir(version), config, this.id) };
  }

  /** The primary executable of an installed version (see `executable`). */
  async primaryExecutable(version: string): Promise<string> {
    return (await this.executable(version))!.path;
  }

  async close(): Promise<void> {
    await this.plugin.close();
  }

  /** Drops what is known about `version`'s executables, here and in the metadata cache. */
  private async forgetLocation(version: string): Promise<void> {
    this.locateCache.delete(version);
    if (this.plugin instanceof CachedPlugin) await this.plugin.forgetLocation(version);
  }
}

/**
 * `inventory_options` of register_tool (spec §4.1): `override_dir` must name an absolute dir
 * (proto's RequiredAbsoluteInventoryDir); it is read through our own mounts, never through a
 * `real_prefix` the plugin sends.
 */
function inventoryOptions(id: string, metadata: RegisterToolOutput, plugin: ToolPlugin): InventoryOptions {
  const given = metadata.inventory_options ?? {};
  const options: InventoryOptions = {};
  const overrideDir = given.override_dir === undefined || given.override_dir === null ? undefined : virtualPathString(given.override_dir);
  if (overrideDir !== undefined) {
    const real = plugin.toReal(overrideDir);
    if (!isAbsolute(real) || real.includes('\0')) {
      throw new ProtoError('plugin.invalid_inventory_dir', `Plugin "${id}" asks to keep its versions in "${overrideDir}", which is not an absolute directory.`, {
        hint: 'register_tool inventory_options.override_dir must be an absolute (virtual or real) path. Report this to the plugin author.',
      });
    }
    options.overrideDir = real;
  }
  if (typeof given.override_dir_name === 'string' && given.override_dir_name !== '') options.dirName = given.override_dir_name;
  if (typeof given.version_suffix === 'string' && given.version_suffix !== '') options.versionSuffix = given.version_suffix;
  return options;
}
