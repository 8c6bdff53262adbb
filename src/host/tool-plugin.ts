/**
 * What every tool plugin offers the rest of proto-ts, whatever runs it: a WASM module in Extism
 * (`PluginContainer`) or a schema file interpreted on the host (`src/schema/`). Both speak the
 * same wire protocol (spec §4): inputs with virtual paths and full contexts, outputs read the same
 * way, failures as ProtoErrors naming the plugin and the function. The install pipeline, the
 * links, the CLI and test-utils only ever see this.
 *
 * This base class holds what does not depend on how a call runs: path mapping, contexts, the typed
 * call per function, and `register_tool` (called once, checked against the proto version we claim).
 */
import { join, resolve } from 'node:path';
import { ProtoError } from '../errors.js';
import {
  CLAIMED_PROTO_VERSION,
  PLUGIN_FUNCTIONS,
  type PluginContext,
  type PluginFunction,
  type PluginInput,
  type PluginOutput,
  type RegisterToolOutput,
  type VirtualPathWire,
} from '../protocol/index.js';
import { compareVersionStrings, parseVersion } from '../version/index.js';
import type { MountDirs } from './mounts.js';
import { toReal, toWirePath, type PathMapping } from './virtual-paths.js';

/** A failed plugin call: its code and message as every caller sees them, and the parts apart. */
export class PluginCallError extends ProtoError {
  constructor(
    readonly pluginId: string,
    readonly fn: string,
    /** What went wrong, without the "Plugin … failed in function …" frame (a guest's own message). */
    readonly detail: string,
    code: string,
    hint?: string,
    cause?: unknown,
  ) {
    super(code, `Plugin "${pluginId}" failed in function "${fn}": ${detail}`, { hint, cause });
  }
}

export abstract class ToolPlugin {
  private registered: RegisterToolOutput | undefined;

  protected constructor(
    /** Plugin (tool) id: `node`, `disttool`. Named in every error. */
    readonly id: string,
    readonly mapping: PathMapping,
    protected readonly dirs: MountDirs,
    /** The proto version claimed in contexts. */
    readonly protoVersion: string = CLAIMED_PROTO_VERSION,
  ) {}

  /** True when the plugin exports `fn` (proto calls optional functions only then). */
  abstract has(fn: PluginFunction | string): boolean;

  /** Calls `fn` with `input` and returns its output. */
  abstract call<F extends PluginFunction>(fn: F, input: PluginInput<F>): Promise<PluginOutput<F>>;

  /** Stops the plugin; later calls fail with `plugin.closed`. */
  abstract close(): Promise<void>;

  /** A failure of `fn`, worded the same for every kind of plugin. */
  protected fail(fn: string, code: string, detail: string, hint?: string, cause?: unknown): ProtoError {
    return new PluginCallError(this.id, fn, detail, code, hint, cause);
  }

  // ------------------------------------------------------------------ paths and contexts

  /** The wire form of a host path (object form under a mount). */
  toWire(hostPath: string): VirtualPathWire {
    return toWirePath(this.mapping, resolve(hostPath));
  }

  /** The host path of a guest path. */
  toReal(guestPath: string): string {
    return toReal(this.mapping, guestPath);
  }

  /**
   * A full context. proto sends `temp_dir = /temp/<id>`, `tool_dir` = the version's product dir,
   * `working_dir` = the cwd; unresolved calls get the superset (`tools` dir, `latest`).
   */
  context(options: { version?: string; toolDir?: string; tempDir?: string; workingDir?: string } = {}): PluginContext {
    return {
      proto_version: this.protoVersion,
      temp_dir: this.toWire(options.tempDir ?? join(this.dirs.temp, this.id)),
      tool_dir: this.toWire(options.toolDir ?? join(this.dirs.protoHome, 'tools')),
      version: options.version ?? 'latest',
      working_dir: this.toWire(options.workingDir ?? this.dirs.cwd),
    };
  }

  // ------------------------------------------------------------------ typed calls

  /**
   * `register_tool`, once per plugin (proto caches it too), checking `minimum_proto_version`
   * against the version we claim.
   */
  async registerTool(): Promise<RegisterToolOutput> {
    if (this.registered) return this.registered;
    const output = await this.call('register_tool', { id: this.id });
    const minimum = output.minimum_proto_version;
    // A minimum that is not a version cannot be checked and is ignored: the one comparator would
    // rank it above every version and refuse the plugin as if it needed a newer proto.
    if (minimum && parseVersion(minimum) && compareVersionStrings(minimum, this.protoVersion) > 0) {
      throw new ProtoError(
        'plugin.incompatible',
        `Plugin "${this.id}" requires proto ${minimum} or newer, but this host implements proto ${this.protoVersion}`,
        { hint: 'Pin an older release of the plugin in .prototools.' },
      );
    }
    this.registered = output;
    return output;
  }

  defineToolConfig() {
    return this.call('define_tool_config', {});
  }
  detectVersionFiles(input: PluginInput<'detect_version_files'>) {
    return this.call('detect_version_files', input);
  }
  parseVersionFile(input: PluginInput<'parse_version_file'>) {
    return this.call('parse_version_file', input);
  }
  loadVersions(input: PluginInput<'load_versions'>) {
    return this.call('load_versions', input);
  }
  resolveVersion(input: PluginInput<'resolve_version'>) {
    return this.call('resolve_version', input);
  }
  downloadPrebuilt(input: PluginInput<'download_prebuilt'>) {
    return this.call('download_prebuilt', input);
  }
  unpackArchive(input: PluginInput<'unpack_archive'>) {
    return this.call('unpack_archive', input);
  }
  verifyChecksum(input: PluginInput<'verify_checksum'>) {
    return this.call('verify_checksum', input);
  }
  nativeInstall(input: PluginInput<'native_install'>) {
    return this.call('native_install', input);
  }
  nativeUninstall(input: PluginInput<'native_uninstall'>) {
    return this.call('native_uninstall', input);
  }
  locateExecutables(input: PluginInput<'locate_executables'>) {
    return this.call('locate_executables', input);
  }
  syncManifest(input: PluginInput<'sync_manifest'>) {
    return this.call('sync_manifest', input);
  }
  installGlobal(input: PluginInput<'install_global'>) {
    return this.call('install_global', input);
  }
  uninstallGlobal(input: PluginInput<'uninstall_global'>) {
    return this.call('uninstall_global', input);
  }
  preInstall(input: PluginInput<'pre_install'>) {
    return this.call('pre_install', input);
  }
  postInstall(input: PluginInput<'post_install'>) {
    return this.call('post_install', input);
  }
  preRun(input: PluginInput<'pre_run'>) {
    return this.call('pre_run', input);
  }

  /** The plugin functions this plugin exports, in protocol order. */
  exportedFunctions(): PluginFunction[] {
    return PLUGIN_FUNCTIONS.filter((fn) => this.has(fn));
  }
}
