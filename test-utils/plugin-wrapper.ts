/**
 * `createPlugin`: a tool plugin loaded into a sandbox, with one typed method per plugin function
 * (the counterpart of proto_pdk_test_utils' `WasmTestWrapper`, spec §8.1).
 *
 * The methods take the plugin's wire input with the tedious parts optional:
 * - `context` may be left out or partial. An empty `tool_dir` becomes the product dir
 *   `.proto/tools/<id>/<version>` (`latest` when no version is given, like proto's
 *   `ToolSpec::default()`), `temp_dir` the tool's temp dir, `working_dir` the sandbox cwd.
 *   Functions that run before a version is resolved get the unresolved superset instead
 *   (`tool_dir` = `.proto/tools`, `version` = `latest`).
 * - path fields (`install_dir`, `globals_dir`, `input_file`, ...) take HOST paths; they are
 *   converted to the virtual form the plugin sees (`/proto/...`). Guest paths and wire objects
 *   pass through.
 */
import { join, resolve } from 'node:path';
import { detectHost, type DetectedHost, type ToolPlugin } from 'proto-ts/host';
import type { InstallSettings } from 'proto-ts/install';
import type { UrlRewrite } from 'proto-ts/net';
import type * as P from 'proto-ts/protocol';
import { Store } from 'proto-ts/store';
import { Tool } from 'proto-ts/tool';
import { createSandbox, type Sandbox } from './sandbox.js';

/** A host path, a guest path (`/proto/...`), or a VirtualPath wire object. */
export type PathArg = string | P.VirtualPathObject;

/** A partial context; paths are host or guest paths. */
export interface ContextArg {
  version?: string;
  tool_dir?: PathArg;
  temp_dir?: PathArg;
  working_dir?: PathArg;
  proto_version?: string;
}

export interface CreatePluginOptions {
  /** Path of the plugin's `.wasm` (or its bytes), or of a schema plugin (`.toml`, `.json`, `.yaml`). */
  wasm: string | Uint8Array;
  /** What the plugin is told about the machine; unset fields are detected. */
  host?: Partial<DetectedHost>;
  /** `[tools.<id>]` settings, sent as `proto_tool_config`. */
  toolConfig?: Record<string, unknown>;
  /** Extra manifest config keys; `test_environment` is set for you unless given here. */
  config?: Record<string, string>;
  /** Use this sandbox (it is then yours to clean up); default: a new one, removed by `close()`. */
  sandbox?: Sandbox;
  /** Added to the sandbox env the plugin reads (`get_env_var`) and commands inherit. */
  env?: Record<string, string>;
  /** Network and install settings (retries, offline, ...). */
  settings?: InstallSettings;
  /** `settings.url-rewrites`: applied to downloads AND `send_request` (see `urlRewritesFor`). */
  urlRewrites?: readonly UrlRewrite[];
  /** Bound of each plugin call, ms. */
  timeoutMs?: number;
}

type Input<F extends P.PluginFunction> = P.PluginInput<F>;
type Output<F extends P.PluginFunction> = Promise<P.PluginOutput<F>>;

/** Functions called before a version is known: they get proto's unresolved context. */
const UNRESOLVED_CONTEXT_FUNCTIONS: ReadonlySet<P.PluginFunction> = new Set([
  'detect_version_files',
  'parse_version_file',
  'load_versions',
  'resolve_version',
  'pin_version',
  'unpin_version',
  'sync_manifest',
]);

export interface PluginTestWrapper {
  readonly id: string;
  readonly sandbox: Sandbox;
  readonly store: Store;
  /** The loaded tool (install, locate, link, ...) — what the generated suites drive. */
  readonly tool: Tool;
  /** The raw plugin (WASM or schema): `call`, `has`, `toWire`, `toReal`, `context`. */
  readonly plugin: ToolPlugin;
  /** The env the plugin sees. */
  readonly env: NodeJS.ProcessEnv;

  /** `.proto/tools/<id>/<version>`, or where the plugin's inventory_options put it. */
  productDir(version?: string): string;
  /** The full context for `version` (default `latest`), with the defaults described above. */
  context(context?: ContextArg): P.PluginContext;
  /** The unresolved-call context (`tool_dir` = `.proto/tools`, `version` = `latest`). */
  unresolvedContext(context?: ContextArg): P.PluginContext;
  /** Host path → wire form; guest paths and wire objects pass through. */
  toWire(path: PathArg): P.VirtualPathWire;

  registerTool(): Output<'register_tool'>;
  defineToolConfig(): Output<'define_tool_config'>;
  detectVersionFiles(input?: { context?: ContextArg }): Output<'detect_version_files'>;
  parseVersionFile(input: { content: string; file: string; path?: PathArg; context?: ContextArg }): Output<'parse_version_file'>;
  loadVersions(input?: { initial?: string; context?: ContextArg }): Output<'load_versions'>;
  resolveVersion(input: { initial: string; context?: ContextArg }): Output<'resolve_version'>;
  downloadPrebuilt(input?: { install_dir?: PathArg; context?: ContextArg }): Output<'download_prebuilt'>;
  buildInstructions(input?: { install_dir?: PathArg; context?: ContextArg }): Output<'build_instructions'>;
  unpackArchive(input: { input_file: PathArg; output_dir?: PathArg; context?: ContextArg }): Output<'unpack_archive'>;
  verifyChecksum(input: { checksum_file: PathArg; download_file: PathArg; download_checksum?: string; context?: ContextArg }): Output<'verify_checksum'>;
  nativeInstall(input?: { install_dir?: PathArg; force?: boolean; context?: ContextArg }): Output<'native_install'>;
  nativeUninstall(input?: { uninstall_dir?: PathArg; context?: ContextArg }): Output<'native_uninstall'>;
  locateExecutables(input?: { install_dir?: PathArg; context?: ContextArg }): Output<'locate_executables'>;
  syncManifest(input?: { context?: ContextArg }): Output<'sync_manifest'>;
  syncShellProfile(input?: { passthrough_args?: string[]; context?: ContextArg }): Output<'sync_shell_profile'>;
  activateEnvironment(input?: { globals_dir?: PathArg | null; context?: ContextArg }): Output<'activate_environment'>;
  pinVersion(input: { version: string; dir?: PathArg; context?: ContextArg }): Output<'pin_version'>;
  unpinVersion(input?: { dir?: PathArg; context?: ContextArg }): Output<'unpin_version'>;
  installGlobal(input: { dependency: string; globals_dir: PathArg; context?: ContextArg }): Output<'install_global'>;
  uninstallGlobal(input: { dependency: string; globals_dir: PathArg; context?: ContextArg }): Output<'uninstall_global'>;
  preInstall(input?: HookArg): Output<'pre_install'>;
  postInstall(input?: HookArg): Output<'post_install'>;
  preRun(input?: { globals_dir?: PathArg | null; globals_prefix?: string | null; passthrough_args?: string[]; context?: ContextArg }): Output<'pre_run'>;
  /** Any function with a full wire input (no defaults filled). */
  call<F extends P.PluginFunction>(fn: F, input: Input<F>): Output<F>;

  /** Stops the plugin; removes the sandbox when `createPlugin` made it. */
  close(): Promise<void>;
}

interface HookArg {
  forced?: boolean;
  passthrough_args?: string[];
  pinned?: boolean;
  quiet?: boolean;
  context?: ContextArg;
}

/** Loads `wasm` as tool `id` in a sandbox and runs `register_tool` (as proto does on load). */
export async function createPlugin(id: string, options: CreatePluginOptions): Promise<PluginTestWrapper> {
  const ownsSandbox = options.sandbox === undefined;
  const sandbox = options.sandbox ?? createSandbox(`proto-plugin-${id.replace(/[^\w.-]/g, '_')}-`);
  const env: NodeJS.ProcessEnv = { ...sandbox.env, ...options.env };
  const store = new Store({ root: sandbox.protoHome, tempDir: sandbox.temp, env });
  const ci = options.host?.ci ?? detectHost().ci;
  // proto's test utils send the REAL sandbox root here (spec §8.1 step 4).
  const testEnvironment: P.TestEnvironment = { ci, sandbox: sandbox.root };
  const urlRewrites = [...(options.urlRewrites ?? []), ...(options.settings?.urlRewrites ?? [])];
  let tool: Tool;
  try {
    tool = await Tool.load({
      id,
      wasm: options.wasm,
      store,
      home: sandbox.home,
      cwd: sandbox.cwd,
      toolConfig: options.toolConfig,
      settings: { ...options.settings, urlRewrites },
      timeoutMs: options.timeoutMs,
      env,
      host: options.host,
      config: { test_environment: JSON.stringify(testEnvironment), ...options.config },
      // A plugin's tests call the plugin itself, every time.
      cacheMetadata: false,
    });
  } catch (error) {
    if (ownsSandbox) sandbox.cleanup();
    throw error;
  }
  return wrap(id, tool, store, sandbox, env, ownsSandbox);
}

function wrap(id: string, tool: Tool, store: Store, sandbox: Sandbox, env: NodeJS.ProcessEnv, ownsSandbox: boolean): PluginTestWrapper {
  const plugin = tool.plugin;
  const toWire = (path: PathArg): P.VirtualPathWire => (typeof path === 'string' ? plugin.toWire(resolve(path)) : path);
  const optionalWire = (path: PathArg | null | undefined): P.VirtualPathWire | null => (path == null ? null : toWire(path));
  const productDir = (version = 'latest') => tool.productDir(version);

  const context = (arg: ContextArg = {}): P.PluginContext => {
    const version = arg.version ?? 'latest';
    return {
      proto_version: arg.proto_version ?? plugin.protoVersion,
      temp_dir: toWire(arg.temp_dir ?? store.toolTempDir(id)),
      tool_dir: toWire(arg.tool_dir ?? productDir(version)),
      version,
      working_dir: toWire(arg.working_dir ?? sandbox.cwd),
    };
  };
  const unresolvedContext = (arg: ContextArg = {}): P.PluginContext =>
    context({ ...arg, version: arg.version ?? 'latest', tool_dir: arg.tool_dir ?? store.toolsDir });
  const contextFor = (fn: P.PluginFunction, arg: ContextArg | undefined) =>
    UNRESOLVED_CONTEXT_FUNCTIONS.has(fn) ? unresolvedContext(arg) : context(arg);
  /** The install dir a call is about: given, else the context's tool dir. */
  const installDirOf = (given: PathArg | undefined, ctx: P.PluginContext) => (given === undefined ? ctx.tool_dir : toWire(given));
  const call = <F extends P.PluginFunction>(fn: F, input: Input<F>): Output<F> => plugin.call(fn, input);

  return {
    id,
    sandbox,
    store,
    tool,
    plugin,
    env,
    productDir,
    context,
    unresolvedContext,
    toWire,
    call,

    registerTool: () => plugin.registerTool(),
    defineToolConfig: () => call('define_tool_config', {}),
    detectVersionFiles: (input = {}) => call('detect_version_files', { context: contextFor('detect_version_files', input.context) }),
    parseVersionFile: (input) =>
      call('parse_version_file', {
        content: input.content,
        context: contextFor('parse_version_file', input.context),
        file: input.file,
        path: toWire(input.path ?? join(sandbox.cwd, input.file)),
      }),
    loadVersions: (input = {}) =>
      call('load_versions', { context: contextFor('load_versions', input.context), initial: input.initial ?? 'latest' }),
    resolveVersion: (input) => call('resolve_version', { context: contextFor('resolve_version', input.context), initial: input.initial }),
    downloadPrebuilt: (input = {}) => {
      const ctx = context(input.context);
      return call('download_prebuilt', { context: ctx, install_dir: installDirOf(input.install_dir, ctx) });
    },
    buildInstructions: (input = {}) => {
      const ctx = context(input.context);
      return call('build_instructions', { context: ctx, install_dir: installDirOf(input.install_dir, ctx) });
    },
    unpackArchive: (input) => {
      const ctx = context(input.context);
      return call('unpack_archive', { context: ctx, input_file: toWire(input.input_file), output_dir: installDirOf(input.output_dir, ctx) });
    },
    verifyChecksum: (input) =>
      call('verify_checksum', {
        context: context(input.context),
        checksum_file: toWire(input.checksum_file),
        download_file: toWire(input.download_file),
        ...(input.download_checksum === undefined ? {} : { download_checksum: input.download_checksum }),
      }),
    nativeInstall: (input = {}) => {
      const ctx = context(input.context);
      return call('native_install', { context: ctx, force: input.force ?? false, install_dir: installDirOf(input.install_dir, ctx) });
    },
    nativeUninstall: (input = {}) => {
      const ctx = context(input.context);
      return call('native_uninstall', { context: ctx, uninstall_dir: installDirOf(input.uninstall_dir, ctx) });
    },
    locateExecutables: (input = {}) => {
      const ctx = context(input.context);
      return call('locate_executables', { context: ctx, install_dir: installDirOf(input.install_dir, ctx) });
    },
    syncManifest: (input = {}) => call('sync_manifest', { context: contextFor('sync_manifest', input.context) }),
    syncShellProfile: (input = {}) =>
      call('sync_shell_profile', { context: context(input.context), passthrough_args: input.passthrough_args ?? [] }),
    activateEnvironment: (input = {}) =>
      call('activate_environment', { context: context(input.context), globals_dir: optionalWire(input.globals_dir) }),
    pinVersion: (input) =>
      call('pin_version', { context: contextFor('pin_version', input.context), dir: toWire(input.dir ?? sandbox.cwd), version: input.version }),
    unpinVersion: (input = {}) =>
      call('unpin_version', { context: contextFor('unpin_version', input.context), dir: toWire(input.dir ?? sandbox.cwd) }),
    installGlobal: (input) =>
      call('install_global', { context: context(input.context), dependency: input.dependency, globals_dir: toWire(input.globals_dir) }),
    uninstallGlobal: (input) =>
      call('uninstall_global', { context: context(input.context), dependency: input.dependency, globals_dir: toWire(input.globals_dir) }),
    preInstall: (input = {}) => call('pre_install', hookInput(context(input.context), input)),
    postInstall: (input = {}) => call('post_install', hookInput(context(input.context), input)),
    preRun: (input = {}) =>
      call('pre_run', {
        context: context(input.context),
        globals_dir: optionalWire(input.globals_dir),
        globals_prefix: input.globals_prefix ?? null,
        passthrough_args: input.passthrough_args ?? [],
      }),

    async close() {
      try {
        await tool.close();
      } finally {
        if (ownsSandbox) sandbox.cleanup();
      }
    },
  };
}

function hookInput(context: P.PluginContext, input: HookArg): P.InstallHook {
  return {
    context,
    forced: input.forced ?? false,
    passthrough_args: input.passthrough_args ?? [],
    pinned: input.pinned ?? false,
    quiet: input.quiet ?? false,
  };
}
