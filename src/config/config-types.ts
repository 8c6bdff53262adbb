import type { LimitValues } from '../limits.js';

/**
 * What `.prototools` files mean once read (spec §7): one `ConfigLayer` per file, and the merged
 * `ProtoConfig` the CLI works with. Keys the user writes in kebab-case (`[settings]`) are typed
 * here in camelCase; `toolConfig` keeps the keys exactly as written because it goes to plugins
 * as `proto_tool_config`.
 */

/** The config file's name in every directory (and `.prototools.<env>` with PROTO_ENV). */
export const CONFIG_FILE_NAME = '.prototools';

export type DetectStrategy = 'first-available' | 'prefer-prototools' | 'only-prototools';
export const DETECT_STRATEGIES: readonly DetectStrategy[] = ['first-available', 'prefer-prototools', 'only-prototools'];

/** `settings.pin-latest`: which file `proto install` pins a `latest` install to. */
export type PinLocation = 'global' | 'local' | 'user';

/**
 * Which `.prototools` files are read (proto's `--config-mode`): `global` only the store's,
 * `local` only the cwd's, `upwards` the cwd and its parents, `upwards-global` those and the global one.
 */
export type ConfigMode = 'global' | 'local' | 'upwards' | 'upwards-global';
export const CONFIG_MODES: readonly ConfigMode[] = ['global', 'local', 'upwards', 'upwards-global'];

/** Where a config file sits: a directory walked from the cwd, the user's home dir, or `<protoHome>`. */
export type ConfigLocation = 'local' | 'user' | 'global';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Where a plugin comes from (`crates/warpgate-api/src/locator.rs`). `written` is the value as it
 * appears in the file, for messages and cache keys.
 */
export type PluginLocator =
  | { kind: 'file'; written: string; /** Absolute; relative paths are resolved against the config file's dir. */ path: string }
  | { kind: 'url'; written: string; url: string }
  | { kind: 'github'; written: string; owner: string; repo: string; project?: string; tag?: string }
  | { kind: 'registry'; written: string; registry?: string; namespace?: string; image: string; tag?: string }
  | { kind: 'data'; written: string; data: string };

/** An env var value from `[env]`: a string to set, or `false` to remove the variable. */
export type EnvValue = string | false;

/** `[tools.<id>]`. */
export interface ToolSettings {
  /** Every key except `plugin`, `aliases`, `env`, as written: becomes `proto_tool_config`. */
  toolConfig: Record<string, JsonValue>;
  /** `[tools.<id>.aliases]`, values in canonical spec form. */
  aliases: Record<string, string>;
  /** `[tools.<id>.env]` without its `file` key. */
  env: Record<string, EnvValue>;
  /** `[tools.<id>.env] file = ...`, absolute, lowest precedence first. */
  envFiles: string[];
  /** `[tools.<id>] plugin = ...` (proto 0.60+): wins over `[plugins]`. */
  plugin?: PluginLocator;
  /**
   * `[tools.<id>] permissions = [...]`: what the plugin with this id (a tool's, or a hook plugin's)
   * may do, added to what its manifest declares; absent = unrestricted unless the manifest says.
   * Checked against the grammar of `src/host/permissions.ts`. A nearer file's list replaces a farther one's.
   */
  permissions?: string[];
}

export interface HttpConfigSettings {
  allowInvalidCerts: boolean;
  proxies: string[];
  secureProxies: string[];
  /** Absolute path; written relative to the config file. */
  rootCert?: string;
  /** Retries after the first attempt (default 3). */
  retryCount: number;
  /** As written in the file; the network layer decides the unit it reads. */
  timeout?: number;
}

export interface OfflineSettings {
  /** Milliseconds the connectivity check may take (default 750). */
  timeout: number;
  customHosts: string[];
  overrideDefaultHosts: boolean;
}

/** One `plugin-index` entry as written, with the directory relative paths are read from. */
export interface PluginIndexSetting {
  written: string;
  baseDir: string;
}

/**
 * One OCI plugin registry (`[settings] registries = [...]`, warpgate's `RegistryConfig`): plugins
 * named `registry://image` are looked up in these, in order.
 */
export interface RegistryConfig {
  /** Host (and port) of the registry, e.g. `ghcr.io`. */
  registry: string;
  /** Repository namespace the images are under, e.g. `moonrepo`. */
  namespace?: string;
  /** Send credentials from the Docker config file (`~/.docker/config.json` `auths`). */
  auth: boolean;
  /** Also the last lookup step for a tool with no configured plugin and no built-in one. */
  default: boolean;
}

/** `[settings]` with proto's defaults filled in. */
export interface ProtoSettings {
  autoClean: boolean;
  autoInstall: boolean;
  /** `true`, `false`, or the ids of builtin plugins to keep. */
  builtinPlugins: boolean | string[];
  /** Seconds a downloaded plugin stays fresh; undefined means proto's default. */
  cacheDuration?: number;
  detectStrategy: DetectStrategy;
  lockfile: boolean;
  pinLatest?: PinLocation;
  /** proto's `telemetry`: parsed for compatibility and shown by `debug config`; proto-ts sends nothing. */
  telemetry: boolean;
  /**
   * `[settings.plugin-timeouts]`: seconds one plugin call may run before it is stopped, by tool id,
   * with `default` for the rest (ours; proto bounded every call by 90 s until 0.50).
   */
  pluginTimeouts: Record<string, number>;
  /**
   * `[settings] plugin-index`: where `proto plugin` looks for plugins, in order (replaces the
   * default, proto's public registry). Undefined: the default. Parsed by `src/plugins`.
   */
  pluginIndex?: PluginIndexSetting[];
  /** Closer files' registries first; the same registry and namespace only once. */
  registries: RegistryConfig[];
  /** `[settings.url-rewrites]` in file order: [JavaScript regex source, replacement]. */
  urlRewrites: [pattern: string, replacement: string][];
  http: HttpConfigSettings;
  offline: OfflineSettings;
  /** `[settings.limits]` (ours): ceilings and deadlines, see `src/limits.ts`. */
  limits: LimitValues;
}

/** What one file says about `[settings]`: only the keys it sets. */
export type SettingsLayer = Partial<Omit<ProtoSettings, 'http' | 'offline' | 'limits'>> & {
  http?: Partial<HttpConfigSettings>;
  offline?: Partial<OfflineSettings>;
  limits?: Partial<LimitValues>;
};

/** One `.prototools` file, validated. */
export interface ConfigLayer {
  /** Top-level `id = "spec"` pins, canonical spec strings. */
  versions: Record<string, string>;
  plugins: {
    /** `[plugins.tools]` (0.52+). */
    tools: Record<string, PluginLocator>;
    /** Flat `[plugins] id = "..."` (legacy; `[plugins.tools]` wins after merging). */
    legacy: Record<string, PluginLocator>;
    /** `[plugins.backends]`. */
    backends: Record<string, PluginLocator>;
    /** `[plugins.hooks]`: hook plugins, called around every tool's install, run and uninstall. */
    hooks: Record<string, PluginLocator>;
  };
  tools: Record<string, ToolSettings>;
  env: Record<string, EnvValue>;
  envFiles: string[];
  settings: SettingsLayer;
  /** `[shell]` (proto 0.56+): what `proto activate` sets up in the shell. */
  shell: ShellConfig;
}

/** `[shell]`. */
export interface ShellConfig {
  /** `[shell.aliases]` name → command, defined by `proto activate` (merged per name). */
  aliases: Record<string, string>;
}

/** All files merged, lowest precedence first: global, then parents, then the cwd. */
export interface ProtoConfig {
  versions: Record<string, string>;
  /** Tool plugins: `[plugins.tools]` over flat `[plugins]` (see `pluginLocatorFor` for `[tools.<id>] plugin`). */
  plugins: Record<string, PluginLocator>;
  backendPlugins: Record<string, PluginLocator>;
  /** `[plugins.hooks]`, by hook id. */
  hookPlugins: Record<string, PluginLocator>;
  tools: Record<string, ToolSettings>;
  env: Record<string, EnvValue>;
  /** Dotenv files from `[env] file`, lowest precedence first. */
  envFiles: string[];
  settings: ProtoSettings;
  shell: ShellConfig;
}

/** One candidate config file, in detection order (cwd first, global last). */
export interface ConfigFileEntry {
  path: string;
  dir: string;
  /** proto keeps an entry for every walked directory, even without a file: detection uses its dir. */
  exists: boolean;
  location: ConfigLocation;
  /** Set for `.prototools.<PROTO_ENV>`. */
  envMode?: string;
  /** Empty when the file does not exist. */
  config: ConfigLayer;
}

export function emptyLayer(): ConfigLayer {
  return { versions: {}, plugins: { tools: {}, legacy: {}, backends: {}, hooks: {} }, tools: {}, env: {}, envFiles: [], settings: {}, shell: { aliases: {} } };
}
