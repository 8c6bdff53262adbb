/**
 * The manifest `config` map (plugin-api §3): a superset of keys so plugins of every PDK era find what
 * they read. All values are strings; objects are JSON.
 */
import { resolve } from 'node:path';
import { CONFIG_KEYS, type HostEnvironment } from '../protocol/index.js';
import { detectHost, type DetectedHost } from './host-environment.js';
import { toWirePath, type PathMapping } from './virtual-paths.js';

export interface PluginConfigInput {
  pluginId: string;
  hostEnvironment: HostEnvironment;
  mapping: PathMapping;
  /** The tool's `[tools.<id>]` settings; only the plugin's own keys (official plugins deny unknown keys). */
  toolConfig?: Record<string, unknown>;
  /** Anything else (test_environment, backend keys). Never overrides the keys above. */
  extra?: Record<string, string>;
}

export interface PluginEnvironmentInput {
  pluginId: string;
  mapping: PathMapping;
  /** The user's home (sent as `home_dir`, in its virtual form). */
  home: string;
  /** Overrides of the detected os/arch/libc/ci. */
  host?: Partial<DetectedHost>;
  toolConfig?: Record<string, unknown>;
  extra?: Record<string, string>;
}

/** What a plugin is told about the machine and its settings: `host_environment` and the whole config map. */
export function pluginEnvironment(input: PluginEnvironmentInput): { hostEnvironment: HostEnvironment; config: Record<string, string> } {
  const detected = { ...detectHost(), ...input.host };
  const hostEnvironment: HostEnvironment = {
    arch: detected.arch,
    ci: detected.ci,
    libc: detected.libc,
    os: detected.os,
    home_dir: toWirePath(input.mapping, resolve(input.home)),
  };
  const config = buildPluginConfig({
    pluginId: input.pluginId,
    hostEnvironment,
    mapping: input.mapping,
    toolConfig: input.toolConfig,
    extra: input.extra,
  });
  return { hostEnvironment, config };
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
