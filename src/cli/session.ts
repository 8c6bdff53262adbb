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
import { loadConfig, pluginLocatorFor, readDotenv, type ConfigMode, type LoadedConfig, type PluginLocator as ConfigLocator, type RegistryConfig } from '../config/index.js';
import { detectVersion, type DetectedVersion } from '../detect/index.js';
import { ProtoError } from '../errors.js';
import { detectHost } from '../host/index.js';
import type { InstallSettings } from '../install/index.js';
import { Lockfiles } from '../lockfile/index.js';
import { isLogEnabled, log } from '../log.js';
import { installedPluginForTool } from '../plugins/installed-plugins.js';
import { builtinPluginUrl, BUILTIN_TOOL_IDS, pluginFile } from '../registry/index.js';
import { Store } from '../store/index.js';
import { resolveToolVersion } from '../tool/resolve.js';
import { Tool } from '../tool/tool.js';
import { globalFlags } from './global-flags.js';

export interface SessionOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Whether `~/.proto/.prototools` takes part (proto: not for `install`). Default true. */
  includeGlobal?: boolean;
  /** Which files take part; `--config-mode`/`PROTO_CONFIG_MODE` win over this command default. */
  configMode?: ConfigMode;
}

export function isTruthy(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

export class Session {
  readonly tools = new Map<string, Promise<Tool>>();

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

  /** What the network and install layers are told (url-rewrites, retries, proxies, offline). */
  get settings(): InstallSettings {
    const { settings } = this.config;
    return {
      urlRewrites: settings.urlRewrites,
      http: {
        retryCount: settings.http.retryCount,
        ...(settings.http.timeout !== undefined ? { timeoutMs: settings.http.timeout * 1000 } : {}),
        proxies: settings.http.proxies,
        secureProxies: settings.http.secureProxies,
        ...(settings.http.rootCert !== undefined ? { rootCert: settings.http.rootCert } : {}),
        ...(settings.http.allowInvalidCerts ? { allowInvalidCerts: true } : {}),
      },
      offline: this.offline,
      offlineCheck: {
        timeoutMs: settings.offline.timeout,
        customHosts: settings.offline.customHosts,
        overrideDefaultHosts: settings.offline.overrideDefaultHosts,
      },
      env: this.env,
    };
  }

  /** The plugin locator of a tool, or `tool.unknown`. */
  locatorFor(id: string): ConfigLocator {
    const configured = pluginLocatorFor(this.config, id);
    if (configured) return configured;
    const installed = installedPluginForTool(this.store, id);
    if (installed) return { kind: 'file', path: installed.pluginPath, written: `${installed.name} ${installed.version} (installed from ${installed.origin})` };
    const builtins = this.config.settings.builtinPlugins;
    const builtinAllowed = builtins === true || (Array.isArray(builtins) && builtins.includes(id));
    const url = builtinAllowed ? builtinPluginUrl(id) : undefined;
    if (url) return { kind: 'url', url, written: url };
    const fromRegistry = defaultRegistryLocator(this.config.settings.registries, id);
    if (fromRegistry) return fromRegistry;
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
    const wasm = await pluginFile(id, this.locatorFor(id), {
      store: this.store,
      settings: this.settings,
      cacheDurationSeconds: this.config.settings.cacheDuration,
      registries: this.config.settings.registries,
      env: this.env,
      home: this.home,
    });
    const toolSettings = this.config.tools[id];
    const timeoutSeconds = this.pluginTimeoutSeconds(id);
    return Tool.load({
      id,
      wasm,
      store: this.store,
      home: this.home,
      cwd: this.cwd,
      toolConfig: toolSettings && Object.keys(toolSettings.toolConfig).length > 0 ? toolSettings.toolConfig : undefined,
      settings: this.settings,
      env: this.env,
      ...(timeoutSeconds !== undefined ? { timeoutMs: timeoutSeconds * 1000 } : {}),
    });
  }

  /**
   * The bound of one call of this tool's plugin: `[settings.plugin-timeouts] <id>`, then
   * `PROTO_PLUGIN_TIMEOUT`, then `[settings.plugin-timeouts] default`; undefined = the host's 90 s.
   */
  pluginTimeoutSeconds(id: string): number | undefined {
    const timeouts = this.config.settings.pluginTimeouts;
    const fromEnv = Number(this.env.PROTO_PLUGIN_TIMEOUT);
    return timeouts[id] ?? (Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : undefined) ?? timeouts.default;
  }

  /** Which spec applies here (plugin-api §7.1), asking the plugin for its version files. */
  async detect(tool: Tool): Promise<DetectedVersion | undefined> {
    const plugin = tool.plugin;
    return detectVersion({
      toolId: tool.id,
      env: this.env,
      configFiles: this.loaded.files,
      strategy: this.config.settings.detectStrategy,
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
  }
}

/** The last lookup step (spec §6.2): the tool's id as an image of the first `default = true` registry. */
function defaultRegistryLocator(registries: readonly RegistryConfig[], id: string): ConfigLocator | undefined {
  const registry = registries.find((candidate) => candidate.default);
  if (!registry || !/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(id)) return undefined;
  const path = [registry.registry, registry.namespace, id].filter(Boolean).join('/');
  return { kind: 'registry', written: `registry://${path}`, registry: registry.registry, ...(registry.namespace ? { namespace: registry.namespace } : {}), image: id };
}
