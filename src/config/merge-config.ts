/**
 * Merges layers into one `ProtoConfig` (spec §7): later layers win key by key, as proto's
 * `PartialProtoConfig::merge` does. Pure.
 *
 * Per key: versions, plugins, env, `url-rewrites` (an overridden pattern keeps its place, new ones
 * are appended), and inside `[tools.<id>]` the aliases, env and each top-level plugin-config key.
 * Per field: settings, `settings.http`, `settings.offline`, `settings.limits`. Appended: env files.
 */
import { DEFAULT_LIMITS } from '../limits.js';
import type { ConfigLayer, ProtoConfig, ProtoSettings, SettingsLayer, ToolSettings } from './config-types.js';

export const DEFAULT_SETTINGS: Readonly<ProtoSettings> = Object.freeze({
  autoClean: false,
  autoInstall: false,
  builtinPlugins: true,
  detectStrategy: 'first-available',
  lockfile: false,
  telemetry: true,
  urlRewrites: [],
  pluginTimeouts: {},
  registries: [],
  http: { allowInvalidCerts: false, proxies: [], secureProxies: [], retryCount: 3 },
  offline: { timeout: 750, customHosts: [], overrideDefaultHosts: false },
  limits: DEFAULT_LIMITS,
});

/** @param layers lowest precedence first (global, then parents, then the cwd) */
export function mergeConfigLayers(layers: readonly ConfigLayer[]): ProtoConfig {
  const legacyPlugins = layers.map((layer) => layer.plugins.legacy);
  const toolPlugins = layers.map((layer) => layer.plugins.tools);
  return {
    versions: mergeRecords(layers.map((layer) => layer.versions)),
    // `[plugins.tools]` wins over the flat legacy table, whatever file either is in.
    plugins: mergeRecords([...legacyPlugins, ...toolPlugins]),
    backendPlugins: mergeRecords(layers.map((layer) => layer.plugins.backends)),
    hookPlugins: mergeRecords(layers.map((layer) => layer.plugins.hooks)),
    tools: mergeTools(layers),
    env: mergeRecords(layers.map((layer) => layer.env)),
    envFiles: layers.flatMap((layer) => layer.envFiles),
    settings: mergeSettings(layers.map((layer) => layer.settings)),
    shell: { aliases: mergeRecords(layers.map((layer) => layer.shell.aliases)) },
  };
}

/**
 * Later records win; a key keeps the place where it first appeared. Built with
 * `Object.fromEntries` (not `Object.assign`) so a `__proto__` key is data, not a prototype.
 */
function mergeRecords<T>(records: readonly Readonly<Record<string, T>>[]): Record<string, T> {
  return Object.fromEntries(records.flatMap((record) => Object.entries(record)));
}

function mergeTools(layers: readonly ConfigLayer[]): Record<string, ToolSettings> {
  const merged = new Map<string, ToolSettings>();
  for (const layer of layers) {
    for (const [id, next] of Object.entries(layer.tools)) {
      const previous = merged.get(id);
      merged.set(id, previous ? mergeTool(previous, next) : cloneTool(next));
    }
  }
  return Object.fromEntries(merged);
}

function mergeTool(previous: ToolSettings, next: ToolSettings): ToolSettings {
  const plugin = next.plugin ?? previous.plugin;
  const permissions = next.permissions ?? previous.permissions;
  return {
    toolConfig: mergeRecords([previous.toolConfig, next.toolConfig]),
    aliases: mergeRecords([previous.aliases, next.aliases]),
    env: mergeRecords([previous.env, next.env]),
    envFiles: [...previous.envFiles, ...next.envFiles],
    ...(plugin ? { plugin } : {}),
    ...(permissions ? { permissions: [...permissions] } : {}),
  };
}

function cloneTool(tool: ToolSettings): ToolSettings {
  return {
    ...tool,
    toolConfig: { ...tool.toolConfig },
    aliases: { ...tool.aliases },
    env: { ...tool.env },
    envFiles: [...tool.envFiles],
    ...(tool.permissions ? { permissions: [...tool.permissions] } : {}),
  };
}

/** @param layers lowest precedence first; an env-var layer (`settingsFromEnv`) goes last. */
export function mergeSettings(layers: readonly SettingsLayer[]): ProtoSettings {
  const settings: ProtoSettings = {
    ...DEFAULT_SETTINGS,
    urlRewrites: [],
    pluginTimeouts: {},
    registries: [],
    http: { ...DEFAULT_SETTINGS.http, proxies: [], secureProxies: [] },
    offline: { ...DEFAULT_SETTINGS.offline, customHosts: [] },
    limits: { ...DEFAULT_LIMITS },
  };
  const rewrites = new Map<string, string>();
  for (const { http, offline, limits, urlRewrites, pluginTimeouts, registries, ...scalars } of layers) {
    Object.assign(settings, definedOnly(scalars));
    // Per tool id, so a project can raise one plugin's bound without repeating the others.
    if (pluginTimeouts) settings.pluginTimeouts = { ...settings.pluginTimeouts, ...pluginTimeouts };
    if (http) settings.http = { ...settings.http, ...definedOnly(http) };
    if (offline) settings.offline = { ...settings.offline, ...definedOnly(offline) };
    if (limits) settings.limits = { ...settings.limits, ...definedOnly(limits) };
    for (const [pattern, replacement] of urlRewrites ?? []) rewrites.set(pattern, replacement);
  }
  settings.urlRewrites = [...rewrites];
  // A project's registries come before the global ones; one entry per registry and namespace.
  const seen = new Set<string>();
  for (const layer of [...layers].reverse()) {
    for (const registry of layer.registries ?? []) {
      const key = `${registry.registry}/${registry.namespace ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      settings.registries.push(registry);
    }
  }
  return settings;
}

/** Drops keys whose value is undefined, so they do not erase a lower layer's value. */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}
