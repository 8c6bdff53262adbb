/**
 * Everything a command needs, built once per CLI run: the store, the merged `.prototools`, the
 * settings as the network/install layers want them, and loaders for tools by id.
 *
 * Plugin lookup (spec §6.2): `[tools.<id>] plugin`, `[plugins.tools]`, flat `[plugins]`, then the
 * plugins installed from an index (by the tools they provide), then the built-in tools, then the
 * first `default = true` registry of `[settings] registries`; anything else is `tool.unknown`
 * with a hint.
 */
import { homedir } from 'node:os';
import { resolve } from 'node:path';
// Modules, not the barrels: every command opens a session, and the barrels bring in what only
// some need (TOML editing, the plugin host).
import type { ConfigMode, PluginLocator as ConfigLocator, RegistryConfig } from '../config/config-types.js';
import { readDotenv } from '../config/dotenv.js';
import { loadConfig, type LoadedConfig } from '../config/load-config.js';
import { pluginLocatorFor } from '../config/plugin-lookup.js';
import { detectVersion, type DetectedVersion } from '../detect/detect-version.js';
import { ProtoError } from '../errors.js';
import { CALL_TIMEOUT_RANGE_MS, DEFAULT_CALL_TIMEOUT_MS } from '../host/call-timeout.js';
import { detectHost } from '../host/host-environment.js';
import { PluginPermissions } from '../host/permissions.js';
import { httpGetWith } from '../host/http-get.js';
import type { PluginLimits } from '../host/plugin-container.js';
import type { InstallSettings } from '../install/index.js';
import { MIB } from '../limits.js';
import { Lockfiles } from '../lockfile/index.js';
import { isLogEnabled, log } from '../log.js';
import { HookPlugins, type HookPlugin, type HookPluginSource } from '../plugins/hook-plugins.js';
import { installedPluginForTool, listInstalledPlugins, type InstalledPlugin } from '../plugins/installed-plugins.js';
import { builtinPluginUrl, BUILTIN_TOOL_IDS, pluginFile, type PluginFileOptions } from '../registry/index.js';
import { Store } from '../store/index.js';
import { openCachedPlugin } from '../tool/plugin-metadata.js';
import { resolveToolVersion } from '../tool/resolve.js';
import { Tool } from '../tool/tool.js';
import { globalFlags, isTruthy } from './global-flags.js';
import { interruptSignal } from './interrupt.js';

export interface SessionOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Whether `~/.proto/.prototools` takes part (proto: not for `install`). Default true. */
  includeGlobal?: boolean;
  /** Which files take part; `--config-mode`/`PROTO_CONFIG_MODE` win over this command default. */
  configMode?: ConfigMode;
}

/** What a plugin's own manifest says about how it runs (installed plugins; none for locators). */
export interface ManifestPolicy {
  permissions?: readonly string[];
  callTimeoutMs?: number;
}

/** How one plugin is run: what it may do, and how long one call may take. */
export interface PluginPolicy {
  /** Undefined: unrestricted. */
  permissions?: readonly string[];
  timeoutMs: number;
}

export class Session {
  readonly tools = new Map<string, Promise<Tool>>();
  private hookPlugins: HookPlugins | undefined;
  private installedPluginList: readonly InstalledPlugin[] | undefined;
  /** Plugins whose clamped bound was already warned about (one warning per plugin and run). */
  private readonly clampWarned = new Set<string>();

  private constructor(
    readonly cwd: string,
    readonly env: NodeJS.ProcessEnv,
    readonly home: string,
    readonly store: Store,
    readonly loaded: LoadedConfig,
    /** The `.protolock` files of the loaded configs (stale ones are deleted when the session opens). */
    readonly lockfiles: Lockfiles,
  ) {}

  static async open(options: SessionOptions = {}): Promise<Session> {
    const env = options.env ?? process.env;
    const cwd = resolve(options.cwd ?? process.cwd());
    const home = env.HOME ?? homedir();
    const store = new Store({ env });
    const storeWarning = store.ensurePrivateRoot();
    if (storeWarning) log('warn', 'store', storeWarning);
    const mode = globalFlags().configMode ?? options.configMode ?? (options.includeGlobal === false ? 'upwards' : 'upwards-global');
    const loaded = await loadConfig({ cwd, protoHome: store.root, env, homeDir: home, mode });
    for (const warning of loaded.warnings) log('warn', 'config', warning);
    if (loaded.config.settings.http.allowInvalidCerts) {
      log('warn', 'config', 'TLS certificates are not verified ([settings.http] allow-invalid-certs = true): downloads can be intercepted.');
    }
    if (isLogEnabled('trace')) {
      for (const file of loaded.files) log('trace', 'config', `${file.exists ? 'read' : 'no file'} ${file.path} (${file.location}, mode ${mode})`);
    }
    const host = detectHost();
    const lockfiles = new Lockfiles(loaded.files, store, { os: host.os, arch: host.arch, libc: host.libc });
    // proto deletes the lockfile of a config that no longer enables it, on every run.
    lockfiles.removeStale();
    return new Session(cwd, env, home, store, loaded, lockfiles);
  }

  get config() {
    return this.loaded.config;
  }

  get offline(): boolean {
    return isTruthy(this.env.PROTO_OFFLINE);
  }

  /** What the network and install layers are told (url-rewrites, retries, proxies, offline, limits). */
  get settings(): InstallSettings {
    const { settings } = this.config;
    const { limits } = settings;
    return {
      urlRewrites: settings.urlRewrites,
      http: {
        retryCount: settings.http.retryCount,
        ...(settings.http.timeout !== undefined ? { timeoutMs: settings.http.timeout * 1000 } : {}),
        proxies: settings.http.proxies,
        secureProxies: settings.http.secureProxies,
        ...(settings.http.rootCert !== undefined ? { rootCert: settings.http.rootCert } : {}),
        ...(settings.http.allowInvalidCerts ? { allowInvalidCerts: true } : {}),
        minSpeedBytesPerSecond: limits.downloadMinSpeed,
        minSpeedWindowMs: limits.downloadMinSpeedWindow * 1000,
      },
      unpack: { maxBytes: limits.unpackSize * MIB, maxRatio: limits.unpackRatio, maxEntries: limits.archiveEntries },
      lockTimeoutMs: limits.lockWait === 0 ? undefined : limits.lockWait * 1000,
      downloadMaxBytes: limits.downloadSize * MIB,
      checksumFileMaxBytes: limits.checksumFile * MIB,
      offline: this.offline,
      offlineCheck: {
        timeoutMs: settings.offline.timeout,
        customHosts: settings.offline.customHosts,
        overrideDefaultHosts: settings.offline.overrideDefaultHosts,
      },
      env: this.env,
    };
  }

  /** Aborted when the user presses Ctrl-C (see interrupt.ts): installs stop and clean up. */
  get signal(): AbortSignal {
    return interruptSignal();
  }

  /** The plugin locator of a tool, or `tool.unknown`. */
  locatorFor(id: string): ConfigLocator {
    return this.pluginSource(id).locator;
  }

  /** The tool's plugin locator, and the installed index plugin behind it when it is one. */
  private pluginSource(id: string): { locator: ConfigLocator; installed?: InstalledPlugin } {
    const configured = pluginLocatorFor(this.config, id);
    if (configured) return { locator: configured };
    const installed = installedPluginForTool(this.store, id);
    if (installed) return { locator: installedLocator(installed), installed };
    const builtins = this.config.settings.builtinPlugins;
    const builtinAllowed = builtins === true || (Array.isArray(builtins) && builtins.includes(id));
    const url = builtinAllowed ? builtinPluginUrl(id) : undefined;
    if (url) return { locator: { kind: 'url', url, written: url } };
    const fromRegistry = defaultRegistryLocator(this.config.settings.registries, id);
    if (fromRegistry) return { locator: fromRegistry };
    const known = [...Object.keys(this.config.plugins), ...(builtins ? BUILTIN_TOOL_IDS : [])].sort();
    throw new ProtoError('tool.unknown', `Unknown tool "${id}": no plugin is configured for it and it is not a built-in tool.`, {
      hint: `Install a plugin for it (proto plugin search ${id}), or add one to [plugins.tools] in .prototools (e.g. ${id} = "https://…/${id}.wasm"). Known tools: ${known.join(', ') || 'none'}.`,
    });
  }

  /** Loads (once per session) the tool's plugin and registers it. */
  tool(id: string): Promise<Tool> {
    let loading = this.tools.get(id);
    if (!loading) {
      loading = this.loadTool(id);
      this.tools.set(id, loading);
      loading.catch(() => this.tools.delete(id));
    }
    return loading;
  }

  private async loadTool(id: string): Promise<Tool> {
    const { locator, installed } = this.pluginSource(id);
    const wasm = await pluginFile(id, locator, this.pluginFileOptions());
    const policy = this.pluginPolicy(id, installed ?? {});
    const toolConfig = this.pluginSettings(id);
    return Tool.load({
      id,
      wasm,
      store: this.store,
      home: this.home,
      cwd: this.cwd,
      ...(toolConfig ? { toolConfig } : {}),
      settings: this.settings,
      env: this.env,
      ...(policy.permissions ? { permissions: policy.permissions } : {}),
      timeoutMs: policy.timeoutMs,
      // Read when an install starts: a command that installs nothing makes no AbortController.
      get signal() {
        return interruptSignal();
      },
      limits: this.pluginLimits(),
      hooks: this.hooks,
    });
  }

  /** `[settings.limits]` as every plugin's ceilings (tools' and hook plugins'). */
  pluginLimits(): PluginLimits {
    return {
      memoryBytes: this.config.settings.limits.pluginMemory * MIB,
      outputBytes: this.config.settings.limits.pluginOutput * MIB,
      commandOutputBytes: this.config.settings.limits.commandOutput * MIB,
    };
  }

  private pluginFileOptions(): PluginFileOptions {
    return {
      store: this.store,
      settings: this.settings,
      cacheDurationSeconds: this.config.settings.cacheDuration,
      registries: this.config.settings.registries,
      env: this.env,
      home: this.home,
    };
  }

  /** `[tools.<id>]` keys for the plugin (`proto_tool_config`); undefined when there are none. */
  private pluginSettings(id: string): Record<string, unknown> | undefined {
    const toolConfig = this.config.tools[id]?.toolConfig;
    return toolConfig && Object.keys(toolConfig).length > 0 ? toolConfig : undefined;
  }

  /**
   * The hook plugins (`[plugins.hooks]`, then installed plugins of kind `hook` whose id is not
   * configured), called around every tool's actions; loaded when a hook point is first reached.
   */
  get hooks(): HookPlugins {
    this.hookPlugins ??= new HookPlugins(this.hookSources(), (message) => log('warn', 'hook', message));
    return this.hookPlugins;
  }

  /**
   * The plugins installed from an index, read once per session (each is a file read): the hook
   * plugins and `proto plugin list` share it. An install later in this session is not in it;
   * the commands that install read the store themselves.
   */
  get installedPlugins(): readonly InstalledPlugin[] {
    this.installedPluginList ??= listInstalledPlugins(this.store);
    return this.installedPluginList;
  }

  private hookSources(): HookPluginSource[] {
    const configured = Object.entries(this.config.hookPlugins).map(
      ([id, locator]): HookPluginSource => ({
        id,
        origin: `[plugins.hooks] ${id} = "${locator.written}"`,
        removal: `remove ${id} from [plugins.hooks] in .prototools`,
        from: { locator },
        load: async () => this.loadHookPlugin(id, await pluginFile(id, locator, this.pluginFileOptions())),
      }),
    );
    const configuredIds = new Set(configured.map((source) => source.id));
    const installed = this.installedPlugins
      .filter((plugin) => plugin.kind === 'hook' && !configuredIds.has(plugin.name))
      .map(
        (plugin): HookPluginSource => ({
          id: plugin.name,
          origin: `${plugin.name} ${plugin.version}, installed from ${plugin.origin}`,
          removal: `proto plugin uninstall ${plugin.name}`,
          from: { installed: plugin },
          load: () => this.loadHookPlugin(plugin.name, plugin.pluginPath, plugin),
        }),
      );
    return [...configured, ...installed];
  }

  /**
   * A hook plugin, its exports from the plugin metadata cache (keyed as a tool plugin's: its
   * sha256, config, mounts, permissions and limits): on a hit, the plugin host (and the WASM
   * runtime) load only when one of its functions is called.
   */
  private async loadHookPlugin(id: string, wasm: string, installed?: InstalledPlugin): Promise<HookPlugin> {
    const policy = this.pluginPolicy(id, installed ?? {});
    const toolConfig = this.pluginSettings(id);
    const dirs = { protoHome: this.store.root, temp: this.store.tempDir, home: this.home, cwd: this.cwd };
    const permissions = policy.permissions ? { permissions: policy.permissions } : {};
    const limits = this.pluginLimits();
    return openCachedPlugin({
      id,
      wasm,
      store: this.store,
      dirs,
      ...(toolConfig ? { toolConfig } : {}),
      env: this.env,
      ...permissions,
      limits,
      open: async () => {
        const { PluginContainer } = await import('../host/plugin-container.js');
        return PluginContainer.load({
          id,
          wasm,
          dirs,
          ...permissions,
          timeoutMs: policy.timeoutMs,
          ...(toolConfig ? { toolConfig } : {}),
          env: this.env,
          httpGet: httpGetWith(this.settings),
          limits,
        });
      },
    });
  }

  /**
   * How the plugin of `id` (a tool's, or a hook plugin's) runs. Permissions: what its manifest
   * declares (installed plugins) together with `[tools.<id>] permissions`; neither = unrestricted,
   * as in proto. Bound: see `pluginTimeoutMs`.
   */
  pluginPolicy(id: string, manifest: ManifestPolicy = {}): PluginPolicy {
    const permissions = PluginPermissions.union(manifest.permissions, this.config.tools[id]?.permissions);
    return { ...(permissions ? { permissions } : {}), timeoutMs: this.pluginTimeoutMs(id, manifest.callTimeoutMs) };
  }

  /**
   * The bound of one call of plugin `id`, the one place it is decided: the manifest's
   * `callTimeoutMs`, then `[settings.plugin-timeouts] <id>`, then `PROTO_PLUGIN_TIMEOUT`, then
   * `[settings.plugin-timeouts] default`, then 90 s; whichever applies is clamped to 1 s..300 s,
   * with a warning that names where it came from.
   */
  pluginTimeoutMs(id: string, manifestMs?: number): number {
    const timeouts = this.config.settings.pluginTimeouts;
    const fromEnv = Number(this.env.PROTO_PLUGIN_TIMEOUT);
    const candidates: Array<[number | undefined, string]> = [
      [manifestMs, `callTimeoutMs = ${manifestMs} in its manifest`],
      [timeouts[id] === undefined ? undefined : timeouts[id] * 1000, `[settings.plugin-timeouts] ${id} = ${timeouts[id]}`],
      [Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv * 1000 : undefined, `PROTO_PLUGIN_TIMEOUT=${this.env.PROTO_PLUGIN_TIMEOUT}`],
      [timeouts.default === undefined ? undefined : timeouts.default * 1000, `[settings.plugin-timeouts] default = ${timeouts.default}`],
    ];
    const [ms, source] = candidates.find(([value]) => value !== undefined) ?? [DEFAULT_CALL_TIMEOUT_MS, 'the default'];
    const { min, max } = CALL_TIMEOUT_RANGE_MS;
    const clamped = Math.min(max, Math.max(min, Math.round(ms!)));
    if (clamped !== ms && !this.clampWarned.has(id)) {
      this.clampWarned.add(id);
      log('warn', 'plugin', `The call bound of plugin "${id}" (${source}) is outside ${min / 1000} s..${max / 1000} s; using ${clamped / 1000} s.`);
    }
    return clamped;
  }

  /** Which spec applies here (plugin-api §7.1), asking the plugin for its version files. */
  async detect(tool: Tool): Promise<DetectedVersion | undefined> {
    const plugin = tool.plugin;
    return detectVersion({
      toolId: tool.id,
      env: this.env,
      configFiles: this.loaded.files,
      strategy: this.config.settings.detectStrategy,
      maxVersionFileBytes: this.config.settings.limits.versionFile * MIB,
      plugin: {
        ...(plugin.has('detect_version_files')
          ? { detectVersionFiles: () => plugin.detectVersionFiles({ context: plugin.context() }) }
          : {}),
        ...(plugin.has('parse_version_file')
          ? {
              parseVersionFile: ({ content, file, path }: { content: string; file: string; path: string }) =>
                plugin.parseVersionFile({ context: plugin.context(), content, file, path: plugin.toWire(path) }),
            }
          : {}),
      },
    });
  }

  /**
   * The variables `[env]` and `[tools.<id>.env]` give a tool: env files first (global ones
   * lowest), then the variables written in the files; `false` means "remove it".
   * `files` lists the env files read, which decide the result as much as the config does.
   */
  toolEnvironment(id: string): { vars: Record<string, string | false>; files: string[] } {
    const tool = this.config.tools[id];
    const files = [...this.config.envFiles, ...(tool?.envFiles ?? [])];
    const vars: Record<string, string | false> = {};
    for (const file of files) Object.assign(vars, readDotenv(file));
    Object.assign(vars, this.config.env, tool?.env ?? {});
    return { vars, files };
  }

  /** Resolves `spec` for `tool` with the user's aliases. */
  resolve(tool: Tool, spec: string, options: { shortCircuit?: boolean; refresh?: boolean; preferInstalled?: boolean } = {}): Promise<string> {
    return resolveToolVersion(tool, spec, { ...options, userAliases: this.config.tools[tool.id]?.aliases });
  }

  async close(): Promise<void> {
    const tools = await Promise.allSettled(this.tools.values());
    await Promise.all(tools.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)));
    await this.hookPlugins?.close();
  }
}

/** The last lookup step (spec §6.2): the tool's id as an image of the first `default = true` registry. */
function defaultRegistryLocator(registries: readonly RegistryConfig[], id: string): ConfigLocator | undefined {
  const registry = registries.find((candidate) => candidate.default);
  if (!registry || !/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(id)) return undefined;
  const path = [registry.registry, registry.namespace, id].filter(Boolean).join('/');
  return { kind: 'registry', written: `registry://${path}`, registry: registry.registry, ...(registry.namespace ? { namespace: registry.namespace } : {}), image: id };
}

/** The locator of a plugin installed from an index: its verified module in the store. */
function installedLocator(installed: InstalledPlugin): ConfigLocator {
  return { kind: 'file', path: installed.pluginPath, written: `${installed.name} ${installed.version} (installed from ${installed.origin})` };
}
