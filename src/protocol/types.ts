/**
 * Wire types of every plugin function (plugin-api §5) and host function (plugin-api §6).
 *
 * Field names are snake_case exactly as they travel in JSON; never rename them for style.
 * `*Input` types are what the host SENDS (every field present, maximally compatible shapes);
 * `*Output` types are what a guest may RETURN, after `normalize.ts` has folded legacy shapes in.
 * Version specs are strings on the wire (plugin-api §4.2).
 */
import type { HostArch, HostLibc, HostLogTarget, HostOS, InstallStrategy, PluginType, StringOrVec, Switch } from './enums.js';
import type { VirtualPathInput, VirtualPathWire } from './virtual-path.js';

/** A resolved version spec string: `1.2.3`, `canary`, or an alias such as `latest`. */
export type VersionSpecString = string;
/** An unresolved version spec string: `^1.2`, `~20`, `>=1 <2`, `lts-hydrogen`, ... */
export type UnresolvedVersionSpecString = string;
/** `sha256:<hex>`, `sha512:<hex>`, `minisign:<base64 key>`, or bare 64/128 hex. */
export type ChecksumString = string;

// ---------------------------------------------------------------- environment (plugin-api §4.4, §3)

export interface HostEnvironment {
  arch: HostArch;
  ci: boolean;
  libc: HostLibc;
  os: HostOS;
  home_dir: VirtualPathWire;
}

export interface TestEnvironment {
  ci: boolean;
  sandbox: VirtualPathWire;
}

// ---------------------------------------------------------------- contexts (plugin-api §4.3)

/**
 * Sent to every function that works on one resolved version. All five fields are always sent:
 * PDKs 0.36+ require every non-optional field, 0.45+ `temp_dir`, 0.56+ `working_dir`.
 */
export interface PluginContext {
  proto_version: string;
  temp_dir: VirtualPathWire;
  tool_dir: VirtualPathWire;
  version: VersionSpecString;
  working_dir: VirtualPathWire;
}

/**
 * Sent to functions that run before a version is known. 0.60 dropped `tool_dir` and `version`,
 * but PDKs 0.45.2–0.59 require them, so we send the superset (`/proto/tools`, `latest`).
 */
export type PluginUnresolvedContext = PluginContext;

// ---------------------------------------------------------------- register_tool (plugin-api §5.1)

export interface RegisterToolInput {
  id: string;
}

export interface ToolInventoryOptions {
  override_dir?: VirtualPathInput;
  override_dir_name?: string;
  scoped_backend_dir?: boolean;
  version_suffix?: string;
}

export interface ToolLockOptions {
  ignore_os_arch?: boolean;
  no_record?: boolean;
}

export interface RegisterToolOutput {
  name: string;
  type: PluginType;
  default_install_strategy?: InstallStrategy;
  default_version?: UnresolvedVersionSpecString;
  deprecations?: string[];
  /** Was `inventory` before 0.52. */
  inventory_options?: ToolInventoryOptions;
  lock_options?: ToolLockOptions;
  minimum_proto_version?: string;
  plugin_version?: string;
  requires?: string[];
  self_upgrade_commands?: string[];
  unstable?: Switch;
}

export interface RegisterBackendInput {
  context: PluginUnresolvedContext;
  id: string;
}

export type SourceLocation =
  | { type: 'archive'; url: string; prefix?: string }
  | { type: 'git'; url: string; reference?: string; submodules?: boolean };

export interface RegisterBackendOutput {
  backend_id: string;
  exes?: string[];
  source?: SourceLocation;
}

// ---------------------------------------------------------------- define_*_config

export interface DefineToolConfigOutput {
  schema: unknown;
}

// ---------------------------------------------------------------- detection (plugin-api §5.3)

export interface DetectVersionInput {
  context: PluginUnresolvedContext;
}

export interface DetectVersionOutput {
  files: string[];
  ignore: string[];
}

export interface ParseVersionFileInput {
  content: string;
  context: PluginUnresolvedContext;
  file: string;
  path: VirtualPathWire;
}

export interface ParseVersionFileOutput {
  version?: UnresolvedVersionSpecString;
}

export interface PinVersionInput {
  context: PluginUnresolvedContext;
  dir: VirtualPathWire;
  version: UnresolvedVersionSpecString;
}

export interface PinVersionOutput {
  file?: VirtualPathInput;
  error?: string;
  pinned: boolean;
}

export interface UnpinVersionInput {
  context: PluginUnresolvedContext;
  dir: VirtualPathWire;
}

export interface UnpinVersionOutput {
  file?: VirtualPathInput;
  error?: string;
  unpinned: boolean;
  version?: UnresolvedVersionSpecString;
}

// ---------------------------------------------------------------- versions (plugin-api §5.4)

export interface LoadVersionsInput {
  context: PluginUnresolvedContext;
  initial: UnresolvedVersionSpecString;
}

export interface LoadVersionsOutput {
  canary?: UnresolvedVersionSpecString;
  latest?: UnresolvedVersionSpecString;
  aliases: Record<string, UnresolvedVersionSpecString>;
  versions: VersionSpecString[];
}

export interface ResolveVersionInput {
  context: PluginUnresolvedContext;
  initial: UnresolvedVersionSpecString;
}

export interface ResolveVersionOutput {
  candidate?: UnresolvedVersionSpecString;
  version?: VersionSpecString;
}

// ---------------------------------------------------------------- installation (plugin-api §5.5)

export interface DownloadPrebuiltInput {
  context: PluginContext;
  install_dir: VirtualPathWire;
}

export interface DownloadPrebuiltOutput {
  archive_prefix?: string;
  checksum?: ChecksumString;
  checksum_name?: string;
  checksum_public_key?: string;
  checksum_url?: string;
  download_name?: string;
  download_url: string;
  http_headers?: Record<string, string>;
  post_script?: string;
  post_script_args?: string[];
}

export interface UnpackArchiveInput {
  context: PluginContext;
  input_file: VirtualPathWire;
  output_dir: VirtualPathWire;
}

export interface VerifyChecksumInput {
  context: PluginContext;
  checksum_file: VirtualPathWire;
  download_checksum?: ChecksumString;
  download_file: VirtualPathWire;
}

export interface VerifyChecksumOutput {
  verified: boolean;
}

export interface NativeInstallInput {
  context: PluginContext;
  force: boolean;
  install_dir: VirtualPathWire;
}

export interface NativeInstallOutput {
  checksum?: ChecksumString;
  error?: string;
  installed: boolean;
  skip_install?: boolean;
}

export interface NativeUninstallInput {
  context: PluginContext;
  uninstall_dir: VirtualPathWire;
}

export interface NativeUninstallOutput {
  error?: string;
  uninstalled: boolean;
  skip_uninstall?: boolean;
}

export interface BuildInstructionsInput {
  context: PluginContext;
  install_dir: VirtualPathWire;
}

/** Build-from-source is not run by this host yet; the shape is kept opaque but typed at the top. */
export interface BuildInstructionsOutput {
  help_url?: string;
  http_headers?: Record<string, string>;
  instructions?: unknown[];
  requirements?: unknown[];
  source?: SourceLocation;
  system_dependencies?: unknown[];
}

// ---------------------------------------------------------------- locating (plugin-api §5.6)

export interface LocateExecutablesInput {
  context: PluginContext;
  install_dir: VirtualPathWire;
}

export interface ExecutableConfig {
  /** Relative to the install dir; NOT a virtual path. */
  exe_path?: string;
  exe_link_path?: string;
  no_bin?: boolean;
  no_shim?: boolean;
  parent_exe_args?: string[];
  parent_exe_name?: string;
  primary?: boolean;
  shim_before_args?: StringOrVec;
  shim_after_args?: StringOrVec;
  shim_env_vars?: Record<string, string>;
  update_perms?: boolean;
}

/** After normalization: legacy `primary`/`secondary` folded into `exes`, `exes_dir` into `exes_dirs`. */
export interface LocateExecutablesOutput {
  exes: Record<string, ExecutableConfig>;
  exes_dirs: string[];
  globals_lookup_dirs: string[];
  globals_prefix?: string;
}

// ---------------------------------------------------------------- manifest sync, shell, activation (plugin-api §5.7)

export interface SyncManifestInput {
  context: PluginContext;
}

export interface SyncManifestOutput {
  versions?: VersionSpecString[];
  skip_sync: boolean;
}

export interface SyncShellProfileInput {
  context: PluginContext;
  passthrough_args: string[];
}

export interface SyncShellProfileOutput {
  check_var: string;
  export_vars?: Record<string, string>;
  extend_path?: string[];
  skip_sync?: boolean;
}

export interface ActivateEnvironmentInput {
  context: PluginContext;
  globals_dir: VirtualPathWire | null;
}

export interface ActivateEnvironmentOutput {
  env: Record<string, string>;
  paths: string[];
}

// ---------------------------------------------------------------- hooks (plugin-api §5.8)

export interface InstallHook {
  context: PluginContext;
  forced: boolean;
  passthrough_args: string[];
  pinned: boolean;
  quiet: boolean;
}

export interface RunHook {
  context: PluginContext;
  globals_dir: VirtualPathWire | null;
  globals_prefix: string | null;
  passthrough_args: string[];
}

export interface RunHookResult {
  args?: string[];
  env?: Record<string, string>;
  paths?: string[];
}

/** `pre_uninstall`, which only hook plugins receive (ours; proto has no such hook). */
export interface UninstallHook {
  context: PluginContext;
  tool_id: string;
}

// ---------------------------------------------------------------- legacy globals (plugin-api §5.9)

export interface InstallGlobalInput {
  context: PluginContext;
  dependency: string;
  globals_dir: VirtualPathWire;
}

export interface InstallGlobalOutput {
  error?: string;
  installed: boolean;
}

export interface UninstallGlobalInput {
  context: PluginContext;
  dependency: string;
  globals_dir: VirtualPathWire;
}

export interface UninstallGlobalOutput {
  error?: string;
  uninstalled: boolean;
}

// ---------------------------------------------------------------- host functions (plugin-api §6)

export interface ExecCommandInput {
  command: string;
  args?: string[];
  /** `working_dir` in 0.28–0.49; both accepted. */
  cwd?: VirtualPathInput;
  working_dir?: VirtualPathInput;
  /** Name suffix `?` = only if unset in the host env; `!` = remove from the child env. `env_vars` in 0.28. */
  env?: Record<string, string>;
  env_vars?: Record<string, string>;
  paths?: string[];
  set_executable?: boolean;
  shell?: string;
  stream?: boolean;
}

export interface ExecCommandOutput {
  command: string;
  exit_code: number;
  stderr: string;
  stdout: string;
  streamed: boolean;
}

export interface HostLogInput {
  data?: Record<string, unknown>;
  message?: string;
  target?: HostLogTarget | 'tracing' | string;
}

export interface SendRequestInput {
  url: string;
  headers?: Record<string, string>;
}

/** `body` stays empty: the bytes live in an Extism memory block at `body_offset`. */
export interface SendRequestOutput {
  body: number[];
  body_length: number;
  body_offset: number;
  status: number;
}
