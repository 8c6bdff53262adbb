/**
 * Names of the plugin (guest) functions and the host functions, and which wire types each takes
 * and returns (plugin-api §5.0, §6). Function names never changed across proto versions; only payloads did.
 */
import type * as T from './types.js';

/** Every guest export the host may call, with its input and (normalized) output type. */
export interface PluginFunctionSignatures {
  register_tool: [T.RegisterToolInput, T.RegisterToolOutput];
  register_backend: [T.RegisterBackendInput, T.RegisterBackendOutput];
  define_tool_config: [Record<string, never>, T.DefineToolConfigOutput];
  define_backend_config: [Record<string, never>, T.DefineToolConfigOutput];
  detect_version_files: [T.DetectVersionInput, T.DetectVersionOutput];
  parse_version_file: [T.ParseVersionFileInput, T.ParseVersionFileOutput];
  pin_version: [T.PinVersionInput, T.PinVersionOutput];
  unpin_version: [T.UnpinVersionInput, T.UnpinVersionOutput];
  load_versions: [T.LoadVersionsInput, T.LoadVersionsOutput];
  resolve_version: [T.ResolveVersionInput, T.ResolveVersionOutput];
  download_prebuilt: [T.DownloadPrebuiltInput, T.DownloadPrebuiltOutput];
  build_instructions: [T.BuildInstructionsInput, T.BuildInstructionsOutput];
  unpack_archive: [T.UnpackArchiveInput, void];
  verify_checksum: [T.VerifyChecksumInput, T.VerifyChecksumOutput];
  native_install: [T.NativeInstallInput, T.NativeInstallOutput];
  native_uninstall: [T.NativeUninstallInput, T.NativeUninstallOutput];
  locate_executables: [T.LocateExecutablesInput, T.LocateExecutablesOutput];
  sync_manifest: [T.SyncManifestInput, T.SyncManifestOutput];
  sync_shell_profile: [T.SyncShellProfileInput, T.SyncShellProfileOutput];
  activate_environment: [T.ActivateEnvironmentInput, T.ActivateEnvironmentOutput];
  install_global: [T.InstallGlobalInput, T.InstallGlobalOutput];
  uninstall_global: [T.UninstallGlobalInput, T.UninstallGlobalOutput];
  pre_install: [T.InstallHook, void];
  post_install: [T.InstallHook, void];
  pre_run: [T.RunHook, T.RunHookResult];
}

export type PluginFunction = keyof PluginFunctionSignatures;
export type PluginInput<F extends PluginFunction> = PluginFunctionSignatures[F][0];
export type PluginOutput<F extends PluginFunction> = PluginFunctionSignatures[F][1];

/**
 * Every plugin function, once. A record, not a list: the compiler refuses one that is missing from
 * `PluginFunctionSignatures` or not in it, so the list cannot drift from the signatures.
 */
const EVERY_PLUGIN_FUNCTION: Record<PluginFunction, true> = {
  register_tool: true,
  register_backend: true,
  define_tool_config: true,
  define_backend_config: true,
  detect_version_files: true,
  parse_version_file: true,
  pin_version: true,
  unpin_version: true,
  load_versions: true,
  resolve_version: true,
  download_prebuilt: true,
  build_instructions: true,
  unpack_archive: true,
  verify_checksum: true,
  native_install: true,
  native_uninstall: true,
  locate_executables: true,
  sync_manifest: true,
  sync_shell_profile: true,
  activate_environment: true,
  install_global: true,
  uninstall_global: true,
  pre_install: true,
  post_install: true,
  pre_run: true,
};

export const PLUGIN_FUNCTIONS = Object.keys(EVERY_PLUGIN_FUNCTION) as readonly PluginFunction[];

/**
 * What a hook plugin (manifest `kind = "hook"`, or `[plugins.hooks]`) may export. The host calls
 * each for every tool, after the tool's own hook, with the tool's hook input plus `tool_id`
 * (`pre_uninstall`: `UninstallHook`). A failure of a vetoing hook stops the action.
 */
export const HOOK_PLUGIN_FUNCTIONS = ['pre_install', 'post_install', 'pre_run', 'pre_uninstall'] as const satisfies readonly (PluginFunction | 'pre_uninstall')[];
export type HookPluginFunction = (typeof HOOK_PLUGIN_FUNCTIONS)[number];
export const VETOING_HOOKS: ReadonlySet<HookPluginFunction> = new Set(['pre_install', 'pre_run', 'pre_uninstall']);

/** Import namespace of proto's host functions (extism-pdk's `#[host_fn]` default). */
export const HOST_USER_NAMESPACE = 'extism:host/user';
/** Import namespace of the Extism kernel. */
export const HOST_ENV_NAMESPACE = 'extism:host/env';

/**
 * Host functions proto ever provided to Extism-1 guests, with their wasm signatures.
 * `from_virtual_path`/`to_virtual_path` were removed in proto 0.60 but older plugins import them,
 * and a missing import makes instantiation fail, so we provide all seven.
 */
export const HOST_FUNCTIONS = {
  exec_command: { params: 1, returns: true },
  get_env_var: { params: 1, returns: true },
  set_env_var: { params: 2, returns: false },
  host_log: { params: 1, returns: false },
  send_request: { params: 1, returns: true },
  from_virtual_path: { params: 1, returns: true },
  to_virtual_path: { params: 1, returns: true },
} as const;

export type HostFunctionName = keyof typeof HOST_FUNCTIONS;
