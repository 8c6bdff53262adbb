/**
 * Lenient readers for what guests return (spec §0 item 7, §4).
 *
 * Plugins from every PDK era must work, so each reader accepts the legacy names and shapes
 * (`inventory`, `primary`/`secondary`, `exes_dir`, `"CLI"`, semver-only strings, ...) and returns
 * the current shape. A value of the wrong JSON type is an error that says which field is wrong:
 * the caller adds the plugin id and function name.
 */
import { parseInstallStrategy, parsePluginType } from './enums.js';
import type { PluginFunction, PluginOutput } from './functions.js';
import type * as T from './types.js';

/** A guest returned JSON of the wrong shape. The message names the field. */
export class WireShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireShapeError';
  }
}

type Json = Record<string, unknown>;

function asObject(value: unknown, what: string): Json {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new WireShapeError(`${what} must be a JSON object, got ${describe(value)}`);
  }
  return value as Json;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string ${JSON.stringify(value.slice(0, 60))}` : `a ${typeof value}`;
}

function optString(obj: Json, key: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new WireShapeError(`field "${key}" must be a string, got ${describe(value)}`);
  return value;
}

function reqString(obj: Json, key: string): string {
  const value = optString(obj, key);
  if (value === undefined) throw new WireShapeError(`required field "${key}" is missing`);
  return value;
}

function optBool(obj: Json, key: string): boolean | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new WireShapeError(`field "${key}" must be a boolean, got ${describe(value)}`);
  return value;
}

function stringList(obj: Json, key: string): string[] {
  const value = obj[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new WireShapeError(`field "${key}" must be an array of strings`);
  }
  return value as string[];
}

function optStringList(obj: Json, key: string): string[] | undefined {
  return obj[key] === undefined || obj[key] === null ? undefined : stringList(obj, key);
}

function stringMap(obj: Json, key: string): Record<string, string> | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  const map = asObject(value, `field "${key}"`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) {
    if (typeof v !== 'string') throw new WireShapeError(`field "${key}.${k}" must be a string, got ${describe(v)}`);
    out[k] = v;
  }
  return out;
}

/** Copies the defined values only, so outputs never carry `undefined` keys into JSON or snapshots. */
function compact<O extends object>(value: O): O {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as O;
}

export function readRegisterToolOutput(value: unknown): T.RegisterToolOutput {
  const obj = asObject(value, 'output');
  const name = reqString(obj, 'name');
  const rawType = obj.type ?? 'language';
  const type = parsePluginType(rawType);
  if (!type) throw new WireShapeError(`field "type" has unknown plugin type ${describe(rawType)}`);
  const rawStrategy = obj.default_install_strategy;
  const strategy = rawStrategy === undefined || rawStrategy === null ? undefined : parseInstallStrategy(rawStrategy);
  if (rawStrategy != null && !strategy) {
    throw new WireShapeError(`field "default_install_strategy" has unknown value ${describe(rawStrategy)}`);
  }
  const inventory = obj.inventory_options ?? obj.inventory;
  const unstable = obj.unstable;
  if (unstable !== undefined && unstable !== null && typeof unstable !== 'boolean' && typeof unstable !== 'string') {
    throw new WireShapeError(`field "unstable" must be a boolean or a string, got ${describe(unstable)}`);
  }
  return compact({
    name,
    type,
    default_install_strategy: strategy,
    default_version: optString(obj, 'default_version'),
    deprecations: optStringList(obj, 'deprecations'),
    inventory_options: inventory == null ? undefined : (asObject(inventory, 'field "inventory_options"') as T.ToolInventoryOptions),
    lock_options: obj.lock_options == null ? undefined : (asObject(obj.lock_options, 'field "lock_options"') as T.ToolLockOptions),
    minimum_proto_version: optString(obj, 'minimum_proto_version'),
    plugin_version: optString(obj, 'plugin_version'),
    requires: optStringList(obj, 'requires'),
    self_upgrade_commands: optStringList(obj, 'self_upgrade_commands'),
    unstable: unstable == null ? undefined : (unstable as T.RegisterToolOutput['unstable']),
  });
}

export function readDetectVersionOutput(value: unknown): T.DetectVersionOutput {
  const obj = asObject(value, 'output');
  return { files: stringList(obj, 'files'), ignore: stringList(obj, 'ignore') };
}

export function readParseVersionFileOutput(value: unknown): T.ParseVersionFileOutput {
  return compact({ version: optString(asObject(value, 'output'), 'version') });
}

export function readLoadVersionsOutput(value: unknown): T.LoadVersionsOutput {
  const obj = asObject(value, 'output');
  return compact({
    canary: optString(obj, 'canary'),
    latest: optString(obj, 'latest'),
    aliases: stringMap(obj, 'aliases') ?? {},
    versions: stringList(obj, 'versions'),
  });
}

export function readResolveVersionOutput(value: unknown): T.ResolveVersionOutput {
  const obj = asObject(value, 'output');
  return compact({ candidate: optString(obj, 'candidate'), version: optString(obj, 'version') });
}

export function readDownloadPrebuiltOutput(value: unknown): T.DownloadPrebuiltOutput {
  const obj = asObject(value, 'output');
  return compact({
    archive_prefix: optString(obj, 'archive_prefix'),
    checksum: optString(obj, 'checksum'),
    checksum_name: optString(obj, 'checksum_name'),
    checksum_public_key: optString(obj, 'checksum_public_key'),
    checksum_url: optString(obj, 'checksum_url'),
    download_name: optString(obj, 'download_name'),
    download_url: reqString(obj, 'download_url'),
    http_headers: stringMap(obj, 'http_headers'),
    post_script: optString(obj, 'post_script'),
    post_script_args: optStringList(obj, 'post_script_args'),
  });
}

export function readVerifyChecksumOutput(value: unknown): T.VerifyChecksumOutput {
  return { verified: optBool(asObject(value, 'output'), 'verified') ?? false };
}

export function readNativeInstallOutput(value: unknown): T.NativeInstallOutput {
  const obj = asObject(value, 'output');
  return compact({
    checksum: optString(obj, 'checksum'),
    error: optString(obj, 'error'),
    installed: optBool(obj, 'installed') ?? false,
    skip_install: optBool(obj, 'skip_install'),
  });
}

export function readNativeUninstallOutput(value: unknown): T.NativeUninstallOutput {
  const obj = asObject(value, 'output');
  return compact({
    error: optString(obj, 'error'),
    uninstalled: optBool(obj, 'uninstalled') ?? false,
    skip_uninstall: optBool(obj, 'skip_uninstall'),
  });
}

function readStringOrVec(obj: Json, key: string): T.ExecutableConfig['shim_before_args'] {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  return stringList(obj, key);
}

function readExecutableConfig(value: unknown, where: string): T.ExecutableConfig {
  const obj = asObject(value, where);
  return compact({
    exe_path: optString(obj, 'exe_path'),
    exe_link_path: optString(obj, 'exe_link_path'),
    no_bin: optBool(obj, 'no_bin'),
    no_shim: optBool(obj, 'no_shim'),
    parent_exe_args: optStringList(obj, 'parent_exe_args'),
    parent_exe_name: optString(obj, 'parent_exe_name'),
    primary: optBool(obj, 'primary'),
    shim_before_args: readStringOrVec(obj, 'shim_before_args'),
    shim_after_args: readStringOrVec(obj, 'shim_after_args'),
    shim_env_vars: stringMap(obj, 'shim_env_vars'),
    update_perms: optBool(obj, 'update_perms'),
  });
}

/**
 * `toolId` names the legacy `primary` executable: 0.22–0.46 guests returned `primary` (named after
 * the tool) plus `secondary`, and `exes_dir` (0.38–0.59) instead of `exes_dirs`.
 */
export function readLocateExecutablesOutput(value: unknown, toolId: string): T.LocateExecutablesOutput {
  const obj = asObject(value, 'output');
  const exes: Record<string, T.ExecutableConfig> = {};
  for (const [name, config] of Object.entries(asObject(obj.exes, 'field "exes"'))) {
    exes[name] = readExecutableConfig(config, `field "exes.${name}"`);
  }
  if (Object.keys(exes).length === 0) {
    if (obj.primary != null) exes[toolId] = { ...readExecutableConfig(obj.primary, 'field "primary"'), primary: true };
    for (const [name, config] of Object.entries(asObject(obj.secondary, 'field "secondary"'))) {
      exes[name] = readExecutableConfig(config, `field "secondary.${name}"`);
    }
  }
  const exesDirs = stringList(obj, 'exes_dirs');
  const legacyDir = optString(obj, 'exes_dir');
  if (legacyDir !== undefined && !exesDirs.includes(legacyDir)) exesDirs.push(legacyDir);
  return compact({
    exes,
    exes_dirs: exesDirs,
    globals_lookup_dirs: stringList(obj, 'globals_lookup_dirs'),
    globals_prefix: optString(obj, 'globals_prefix'),
  });
}

export function readSyncManifestOutput(value: unknown): T.SyncManifestOutput {
  const obj = asObject(value, 'output');
  return compact({ versions: optStringList(obj, 'versions'), skip_sync: optBool(obj, 'skip_sync') ?? false });
}

export function readSyncShellProfileOutput(value: unknown): T.SyncShellProfileOutput {
  const obj = asObject(value, 'output');
  return compact({
    check_var: reqString(obj, 'check_var'),
    export_vars: stringMap(obj, 'export_vars'),
    extend_path: optStringList(obj, 'extend_path'),
    skip_sync: optBool(obj, 'skip_sync'),
  });
}

export function readActivateEnvironmentOutput(value: unknown): T.ActivateEnvironmentOutput {
  const obj = asObject(value, 'output');
  return { env: stringMap(obj, 'env') ?? {}, paths: stringList(obj, 'paths') };
}

export function readRunHookResult(value: unknown): T.RunHookResult {
  const obj = asObject(value, 'output');
  return compact({ args: optStringList(obj, 'args'), env: stringMap(obj, 'env'), paths: optStringList(obj, 'paths') });
}

export function readInstallGlobalOutput(value: unknown): T.InstallGlobalOutput {
  const obj = asObject(value, 'output');
  return compact({ error: optString(obj, 'error'), installed: optBool(obj, 'installed') ?? false });
}

export function readUninstallGlobalOutput(value: unknown): T.UninstallGlobalOutput {
  const obj = asObject(value, 'output');
  return compact({ error: optString(obj, 'error'), uninstalled: optBool(obj, 'uninstalled') ?? false });
}

export function readPinVersionOutput(value: unknown): T.PinVersionOutput {
  const obj = asObject(value, 'output');
  return compact({ file: obj.file as T.PinVersionOutput['file'], error: optString(obj, 'error'), pinned: optBool(obj, 'pinned') ?? false });
}

export function readUnpinVersionOutput(value: unknown): T.UnpinVersionOutput {
  const obj = asObject(value, 'output');
  return compact({
    file: obj.file as T.UnpinVersionOutput['file'],
    error: optString(obj, 'error'),
    unpinned: optBool(obj, 'unpinned') ?? false,
    version: optString(obj, 'version'),
  });
}

export function readRegisterBackendOutput(value: unknown): T.RegisterBackendOutput {
  const obj = asObject(value, 'output');
  return compact({
    backend_id: reqString(obj, 'backend_id'),
    exes: optStringList(obj, 'exes'),
    source: obj.source == null ? undefined : (asObject(obj.source, 'field "source"') as T.SourceLocation),
  });
}

const passThrough = (value: unknown) => asObject(value, 'output');
const nothing = () => undefined;

/**
 * The reader for each function's output. Functions whose output is "none" ignore whatever bytes
 * the guest returned (a Rust `()` output is empty).
 */
export const OUTPUT_READERS: { [F in PluginFunction]: (value: unknown, toolId: string) => PluginOutput<F> } = {
  register_tool: readRegisterToolOutput,
  register_backend: readRegisterBackendOutput,
  define_tool_config: (value) => ({ schema: asObject(value, 'output').schema ?? null }),
  define_backend_config: (value) => ({ schema: asObject(value, 'output').schema ?? null }),
  detect_version_files: readDetectVersionOutput,
  parse_version_file: readParseVersionFileOutput,
  pin_version: readPinVersionOutput,
  unpin_version: readUnpinVersionOutput,
  load_versions: readLoadVersionsOutput,
  resolve_version: readResolveVersionOutput,
  download_prebuilt: readDownloadPrebuiltOutput,
  build_instructions: (value) => passThrough(value) as T.BuildInstructionsOutput,
  unpack_archive: nothing,
  verify_checksum: readVerifyChecksumOutput,
  native_install: readNativeInstallOutput,
  native_uninstall: readNativeUninstallOutput,
  locate_executables: readLocateExecutablesOutput,
  sync_manifest: readSyncManifestOutput,
  sync_shell_profile: readSyncShellProfileOutput,
  activate_environment: readActivateEnvironmentOutput,
  install_global: readInstallGlobalOutput,
  uninstall_global: readUninstallGlobalOutput,
  pre_install: nothing,
  post_install: nothing,
  pre_run: readRunHookResult,
};

/** Functions whose output carries nothing: an empty output is normal for them. */
export const VOID_FUNCTIONS: ReadonlySet<PluginFunction> = new Set(['unpack_archive', 'pre_install', 'post_install']);
