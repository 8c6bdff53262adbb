/**
 * The manifest `config` map (plugin-api §3): a superset of keys so plugins of every PDK era find what
 * they read. All values are strings; objects are JSON.
 */
import { CONFIG_KEYS, type HostEnvironment } from '../protocol/index.js';
import type { PathMapping } from './virtual-paths.js';

export interface PluginConfigInput {
  pluginId: string;
  hostEnvironment: HostEnvironment;
  mapping: PathMapping;
  /** The tool's `[tools.<id>]` settings; only the plugin's own keys (official plugins deny unknown keys). */
  toolConfig?: Record<string, unknown>;
  /** Anything else (test_environment, backend keys). Never overrides the keys above. */
  extra?: Record<string, string>;
}

export function buildPluginConfig(input: PluginConfigInput): Record<string, string> {
  const host = JSON.stringify(input.hostEnvironment);
  const config: Record<string, string> = {
    ...input.extra,
    [CONFIG_KEYS.pluginId]: input.pluginId,
    [CONFIG_KEYS.protoToolId]: input.pluginId,
    [CONFIG_KEYS.hostEnvironment]: host,
    [CONFIG_KEYS.protoEnvironment]: host,
    [CONFIG_KEYS.virtualPaths]: JSON.stringify(input.mapping.map(([hostDir, guest]) => [hostDir, guest])),
  };
  if (input.toolConfig !== undefined) config[CONFIG_KEYS.protoToolConfig] = JSON.stringify(input.toolConfig);
  return config;
}
