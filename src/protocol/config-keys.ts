/**
 * Keys of the Extism manifest `config` map (plugin-api §3). Every value is a string (JSON for objects).
 * We send a superset so plugins of every PDK era find what they read.
 */
export const CONFIG_KEYS = {
  /** Tool id (`zig` for `asdf:zig`). `warpgate_pdk::get_plugin_id()` panics without it. */
  pluginId: 'plugin_id',
  /** JSON HostEnvironment. `get_host_environment()` panics without it. */
  hostEnvironment: 'host_environment',
  /** JSON `[[host, guest], ...]`, sorted deepest host path first (0.60 PDKs). */
  virtualPaths: 'virtual_paths',
  /** Tool id again, for ≤0.31 and ≥0.52 PDKs. */
  protoToolId: 'proto_tool_id',
  /** JSON HostEnvironment, for ≤0.31 PDKs. */
  protoEnvironment: 'proto_environment',
  /** JSON object of the tool's `[tools.<id>]` settings, only the plugin's own keys. */
  protoToolConfig: 'proto_tool_config',
  protoBackendId: 'proto_backend_id',
  protoBackendConfig: 'proto_backend_config',
  protoSchema: 'proto_schema',
  /** JSON TestEnvironment, set by test-utils only. */
  testEnvironment: 'test_environment',
} as const;

/** The proto version we claim in every context; official plugins require `minimum_proto_version` 0.60.0. */
export const CLAIMED_PROTO_VERSION = '0.60.0';

/** The guest-side prefixes we mount (plugin-api §2). */
export const VIRTUAL_PREFIXES = {
  proto: '/proto',
  userhome: '/userhome',
  temp: '/temp',
  cwd: '/cwd',
} as const;
