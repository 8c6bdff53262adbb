// The __ID__ tool plugin, written with @proto-ts/pdk.
//
// proto calls the exported functions below with JSON input and reads their JSON output; the
// contract (which functions are called when, and what they receive and return) is described in
// proto-ts's docs/plugin-api.md. register_tool works already; the functions proto needs to list,
// install and run the tool are stubs that fail with a clear error until you write them.
//
// Every function follows one pattern:
//   1. readInput(...)  → on error, `return pluginError(...)`;
//   2. do the work     → on error, `return pluginError(...)`;
//   3. `return writeOutput(output.toJson())`.
import {
  DownloadPrebuiltInput,
  LoadVersionsInput,
  LocateExecutablesInput,
  PluginType,
  RegisterToolInput,
  RegisterToolOutput,
  pluginError,
  readInput,
  writeOutput,
} from "@proto-ts/pdk";

const TOOL_NAME = "__NAME__";

/** The error of a function that is still a stub: it names the plugin and the function. */
function notImplemented(functionName: string): i32 {
  return pluginError("__ID__: " + functionName + " is not implemented yet (see src/plugin.ts)");
}

export function register_tool(): i32 {
  const input = readInput<RegisterToolInput>("register_tool", RegisterToolInput.fromJson);
  if (input.isErr) return pluginError(input.error);
  const output = new RegisterToolOutput(TOOL_NAME, PluginType.CommandLine);
  output.pluginVersion = "0.1.0";
  output.defaultVersion = "latest";
  return writeOutput(output.toJson());
}

/**
 * Every version of the tool, and aliases such as `latest`: fetch a release index with
 * `fetchJson(url)` and return a `LoadVersionsOutput`.
 */
export function load_versions(): i32 {
  const input = readInput<LoadVersionsInput>("load_versions", LoadVersionsInput.fromJson);
  if (input.isErr) return pluginError(input.error);
  return notImplemented("load_versions");
}

/**
 * Where to download `input.value.context.version` for this machine (`getHostEnvironment()`):
 * a `DownloadPrebuiltOutput` with `downloadUrl`, and a checksum file or checksum.
 */
export function download_prebuilt(): i32 {
  const input = readInput<DownloadPrebuiltInput>("download_prebuilt", DownloadPrebuiltInput.fromJson);
  if (input.isErr) return pluginError(input.error);
  return notImplemented("download_prebuilt");
}

/** The executables inside the installed tool: a `LocateExecutablesOutput` with one primary exe. */
export function locate_executables(): i32 {
  const input = readInput<LocateExecutablesInput>("locate_executables", LocateExecutablesInput.fromJson);
  if (input.isErr) return pluginError(input.error);
  return notImplemented("locate_executables");
}

// Optional functions, used by proto only when exported (see docs/plugin-api.md §5):
// detect_version_files / parse_version_file (version files such as `.__ID__-version`),
// resolve_version, verify_checksum, unpack_archive, native_install / native_uninstall,
// sync_manifest, pre_install / post_install / pre_run.
