/**
 * A schema plugin (`.toml`, `.json`, `.yaml` tool description) run on the host. proto runs these
 * through its `schema_tool` WASM plugin; we interpret the same format directly behind the same
 * `ToolPlugin` port, so the install pipeline, checksums, lockfile, shims, bins and test-utils treat
 * it exactly like a WASM plugin. It exports what proto's schema tool exports: `register_tool`,
 * `detect_version_files`, `load_versions`, `download_prebuilt` and `locate_executables`; inputs
 * and outputs are the same wire values (outputs go through the same readers as WASM outputs).
 *
 * Trust: the schema is third-party data. It can only name URLs (which go through the network
 * layer's URL policy and url-rewrites like any plugin's), file names inside the download (checked
 * by the pipeline), and a git URL (see git-tags.ts). It runs no code.
 */
import { readFile } from 'node:fs/promises';
import { ProtoError } from '../errors.js';
import { mountMapping } from '../host/mounts.js';
import { detectHost, PermissionDeniedError, PermissionGate, PluginPermissions, ToolPlugin, type DetectedHost, type HttpGet, type MountDirs } from '../host/index.js';
import {
  OUTPUT_READERS,
  type ExecutableConfig,
  type HostEnvironment,
  type PluginFunction,
  type PluginInput,
  type PluginOutput,
} from '../protocol/index.js';
import { compareVersions, parseVersion } from '../version/index.js';
import { listGitTags } from './git-tags.js';
import { parseSchemaText } from './read-schema.js';
import { interpolateTokens } from './tokens.js';
import { parseToolSchema, type ExecutableSchema, type PlatformSchema, type ToolSchema } from './tool-schema.js';
import { compileVersionPattern, versionFromMatch } from './version-pattern.js';

/** What proto's schema tool exports. */
const EXPORTED: ReadonlySet<string> = new Set<PluginFunction>([
  'register_tool',
  'detect_version_files',
  'load_versions',
  'download_prebuilt',
  'locate_executables',
]);

/** proto's schema tool declares this minimum. */
const SCHEMA_MINIMUM_PROTO_VERSION = '0.46.0';

export interface SchemaPluginLoadOptions {
  id: string;
  /** The schema file (its extension decides the format). */
  path: string;
  dirs: MountDirs;
  host?: Partial<DetectedHost>;
  env?: NodeJS.ProcessEnv;
  /** GET for `resolve.manifest-url` (the network layer with the user's settings). */
  httpGet: HttpGet;
  offline?: boolean;
  protoVersion?: string;
  /**
   * What the plugin may do (`src/host/permissions.ts`); undefined = unrestricted. A schema runs no
   * code, so only `net:` and `fs:` apply: the manifest, git and download URLs it names are gated
   * by their host, and the mounts its paths are told in follow `fs:home` / `fs:cwd`.
   */
  permissions?: readonly string[];
}

export class SchemaPlugin extends ToolPlugin {
  private closed = false;

  private constructor(
    private readonly options: SchemaPluginLoadOptions,
    readonly schema: ToolSchema,
    readonly hostEnvironment: Pick<HostEnvironment, 'os' | 'arch' | 'libc' | 'ci'>,
    mapping: ReturnType<typeof mountMapping>['mapping'],
    private readonly gate: PermissionGate,
  ) {
    super(options.id, mapping, options.dirs, options.protoVersion);
  }

  /** Reads and validates the schema; throws `schema.invalid` (file and key) or `plugin.load_failed`. */
  static async load(options: SchemaPluginLoadOptions): Promise<SchemaPlugin> {
    let text: string;
    try {
      text = await readFile(options.path, 'utf8');
    } catch (error) {
      throw new ProtoError('plugin.load_failed', `Plugin "${options.id}" could not be read from ${options.path}: ${(error as Error).message}`, {
        hint: 'Check the plugin locator in .prototools.',
      });
    }
    const schema = parseToolSchema(await parseSchemaText(text, options.path), options.path);
    const host = { ...detectHost(), ...options.host };
    const permissions = PluginPermissions.parse(options.permissions, `The permissions of plugin "${options.id}"`);
    // A schema plugin runs no WASM: it only needs to know its mounts, not to have them made.
    const { mapping } = mountMapping(options.dirs, { home: permissions.mountsHome, cwd: permissions.mountsCwd });
    return new SchemaPlugin(options, schema, host, mapping, new PermissionGate(options.id, permissions));
  }

  has(fn: PluginFunction | string): boolean {
    return EXPORTED.has(fn);
  }

  async call<F extends PluginFunction>(fn: F, input: PluginInput<F>): Promise<PluginOutput<F>> {
    if (this.closed) throw this.fail(fn, 'plugin.closed', 'the plugin was closed');
    if (!this.has(fn)) {
      throw this.fail(fn, 'plugin.missing_function', 'the plugin does not export this function', 'Check has(fn) before calling optional functions.');
    }
    try {
      const output = OUTPUT_READERS[fn](await this.run(fn, input), this.id) as PluginOutput<F>;
      if (fn === 'download_prebuilt') this.gate.checkDownloadUrls(output as PluginOutput<'download_prebuilt'>);
      return output;
    } catch (error) {
      if (error instanceof PermissionDeniedError) throw this.fail(fn, error.code, `permission denied: ${error.message}`, error.hint, error);
      if (error instanceof ProtoError) throw this.fail(fn, error.code, error.message, error.hint, error);
      throw this.fail(fn, 'plugin.call_failed', error instanceof Error ? error.message : String(error), undefined, error);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private async run(fn: PluginFunction, input: unknown): Promise<unknown> {
    const version = (input as { context?: { version?: string } }).context?.version ?? 'latest';
    switch (fn) {
      case 'register_tool':
        return this.register();
      case 'detect_version_files':
        return { files: this.schema.detect.versionFiles, ignore: this.schema.detect.ignore };
      case 'load_versions':
        return this.listVersions();
      case 'download_prebuilt':
        return this.prebuiltFor(version);
      case 'locate_executables':
        return this.executablesFor(version);
      default:
        throw new Error(`not exported`);
    }
  }

  private register() {
    const { schema } = this;
    // proto fails here already when the plugin does not support this OS.
    this.platform();
    const successors: Record<string, string> = { 'bin-path': 'exe-path', 'exes-dir': 'exes-dirs', primary: 'exes (with primary = true)', secondary: 'exes' };
    const deprecations = [
      ...schema.deprecations,
      ...schema.deprecatedKeys.map((key) => `The ${key} setting is deprecated, use ${successors[key.split('.').at(-1)!] ?? 'its successor'} instead.`),
    ];
    return {
      name: schema.name || this.id,
      type: schema.type,
      minimum_proto_version: SCHEMA_MINIMUM_PROTO_VERSION,
      ...(schema.metadata.defaultVersion ? { default_version: schema.metadata.defaultVersion } : {}),
      ...(schema.metadata.pluginVersion ? { plugin_version: schema.metadata.pluginVersion } : {}),
      self_upgrade_commands: schema.metadata.selfUpgradeCommands,
      deprecations,
      requires: schema.metadata.requires,
    };
  }

  private async listVersions() {
    const { resolve, name } = this.schema;
    const found = new Set(resolve.versions);
    if (resolve.gitUrl) {
      const pattern = compileVersionPattern(resolve.gitTagPattern ?? resolve.versionPattern, 'resolve.git-tag-pattern');
      const remote = gitRemoteUrl(resolve.gitUrl);
      if (remote !== undefined) this.gate.checkUrl('load_versions', remote, `list the tags of ${resolve.gitUrl} at`);
      const tags = await listGitTags(resolve.gitUrl, { pluginId: this.id, env: this.options.env, offline: this.options.offline });
      for (const tag of tags) addVersion(found, versionFromMatch(pattern, tag));
    } else if (resolve.manifestUrl) {
      const pattern = compileVersionPattern(resolve.versionPattern, 'resolve.version-pattern');
      for (const entry of await this.fetchManifest(resolve.manifestUrl)) {
        const text = typeof entry === 'string' ? entry : entryVersion(entry, resolve.manifestVersionKey);
        if (text !== undefined) addVersion(found, versionFromMatch(pattern, text));
      }
    }
    if (found.size === 0) {
      throw new ProtoError(
        'schema.no_versions',
        `Unable to resolve versions for ${name || this.id}: the schema needs resolve.git-url, resolve.manifest-url or resolve.versions, and found none.`,
      );
    }
    const versions = [...found].sort((a, b) => compareVersions(parseVersion(b)!, parseVersion(a)!));
    const latest = versions.find((version) => !parseVersion(version)!.prerelease) ?? versions[0];
    return { versions, aliases: resolve.aliases, ...(latest ? { latest } : {}) };
  }

  private async fetchManifest(url: string): Promise<unknown[]> {
    this.gate.checkUrl('load_versions', url);
    const { status, body } = await this.options.httpGet(url, { accept: 'application/json' });
    if (status !== 200) {
      throw new ProtoError('schema.manifest_failed', `resolve.manifest-url ${url} answered ${status}.`, { hint: 'Check the URL in the plugin.' });
    }
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(body));
    } catch (error) {
      throw new ProtoError('schema.manifest_failed', `resolve.manifest-url ${url} did not return JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(value)) {
      throw new ProtoError('schema.manifest_failed', `resolve.manifest-url ${url} must return a JSON array of strings or objects.`);
    }
    return value;
  }

  /** proto's `get_platform`: this OS's section; BSDs fall back to linux's. */
  private platform(): PlatformSchema {
    const { os } = this.hostEnvironment;
    const platform = this.schema.platform[os] ?? (['freebsd', 'netbsd', 'openbsd', 'dragonfly'].includes(os) ? this.schema.platform.linux : undefined);
    if (!platform) {
      throw new ProtoError('schema.unsupported_os', `Unable to use ${this.schema.name || this.id}: the plugin has no [platform.${os}] section.`, {
        hint: `Supported: ${Object.keys(this.schema.platform).join(', ') || 'none'}.`,
      });
    }
    return platform;
  }

  private interpolate(value: string, version: string, platform: PlatformSchema): string {
    return interpolateTokens(value, version, this.hostEnvironment, this.schema, platform);
  }

  private prebuiltFor(version: string) {
    const { install } = this.schema;
    const platform = this.platform();
    const { os, arch } = this.hostEnvironment;
    if (platform.archs.length > 0 && !platform.archs.includes(arch)) {
      throw new ProtoError('schema.unsupported_arch', `Unable to install ${this.schema.name || this.id}: unsupported architecture ${arch} for ${os}.`, {
        hint: `Supported on ${os}: ${platform.archs.join(', ')}.`,
      });
    }
    const canary = version === 'canary';
    const downloadFile = this.interpolate(platform.downloadFile, version, platform);
    const downloadUrl = this.interpolate((canary ? install.downloadUrlCanary : undefined) ?? install.downloadUrl, version, platform).replaceAll(
      '{download_file}',
      downloadFile,
    );
    const checksumFile = this.interpolate(platform.checksumFile ?? 'CHECKSUM.txt', version, platform);
    const checksumTemplate = (canary ? install.checksumUrlCanary : undefined) ?? install.checksumUrl;
    const checksumUrl = checksumTemplate && this.interpolate(checksumTemplate, version, platform).replaceAll('{checksum_file}', checksumFile);
    return {
      download_url: downloadUrl,
      download_name: downloadFile,
      ...(checksumUrl ? { checksum_url: checksumUrl, checksum_name: checksumFile } : {}),
      ...(install.checksumPublicKey ? { checksum_public_key: install.checksumPublicKey } : {}),
      ...(platform.archivePrefix ? { archive_prefix: this.interpolate(platform.archivePrefix, version, platform) } : {}),
    };
  }

  private executablesFor(version: string) {
    const { install, packages } = this.schema;
    const platform = this.platform();
    const windows = this.hostEnvironment.os === 'windows';
    // On Windows `.exe` is added to paths without an extension (not to `.js` and the like).
    const exe = (path: string) => (windows && !/\.[^/\\]+$/.test(path) ? `${path}.exe` : path);

    const primaryConfig = (config: ExecutableConfig): ExecutableConfig => ({
      ...config,
      primary: true,
      exe_path: this.interpolate(exe(platform.exePath ?? config.exe_path ?? this.id), version, platform),
      ...(install.noBin !== undefined ? { no_bin: install.noBin } : {}),
      ...(install.noShim !== undefined ? { no_shim: install.noShim } : {}),
    });
    const secondaryConfig = (config: ExecutableConfig): ExecutableConfig => ({
      ...config,
      ...(config.exe_path ? { exe_path: exe(config.exe_path) } : {}),
      ...(config.exe_link_path ? { exe_link_path: exe(config.exe_link_path) } : {}),
    });

    const exes: Record<string, ExecutableConfig> = {};
    let hasPrimary = false;
    for (const [name, schema] of Object.entries(install.exes)) {
      const config = executableConfig(schema);
      hasPrimary ||= schema.primary;
      exes[name] = schema.primary ? primaryConfig(config) : secondaryConfig(config);
    }
    // No primary in `exes`: the tool's own id is (configured by the deprecated `install.primary`).
    if (!hasPrimary) exes[this.id] = primaryConfig(install.primary ? executableConfig(install.primary) : {});
    for (const [name, schema] of Object.entries(install.secondary)) exes[name] ??= secondaryConfig(executableConfig(schema));

    return {
      exes,
      exes_dirs: platform.exesDirs,
      globals_lookup_dirs: packages.globalsLookupDirs,
      ...(packages.globalsPrefix ? { globals_prefix: packages.globalsPrefix } : {}),
    };
  }
}

function executableConfig(schema: ExecutableSchema): ExecutableConfig {
  return {
    ...(schema.exePath !== undefined ? { exe_path: schema.exePath } : {}),
    ...(schema.exeLinkPath !== undefined ? { exe_link_path: schema.exeLinkPath } : {}),
    no_bin: schema.noBin,
    no_shim: schema.noShim,
    parent_exe_args: schema.parentExeArgs,
    ...(schema.parentExeName !== undefined ? { parent_exe_name: schema.parentExeName } : {}),
    primary: schema.primary,
    ...(schema.shimBeforeArgs ? { shim_before_args: schema.shimBeforeArgs } : {}),
    ...(schema.shimAfterArgs ? { shim_after_args: schema.shimAfterArgs } : {}),
    ...(schema.shimEnvVars ? { shim_env_vars: schema.shimEnvVars } : {}),
  };
}

function entryVersion(entry: unknown, key: string): string | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const value = (entry as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

/** Keeps only what parses as a version (a tag like `nightly` matched by a loose pattern is skipped). */
function addVersion(found: Set<string>, version: string | undefined): void {
  if (version !== undefined && parseVersion(version)) found.add(version);
}

/**
 * A git remote as a URL whose host can be gated (scp-like `git@host:owner/repo` is ssh to `host`),
 * or undefined for a repository on this machine (a path, `file://`), which is no network access.
 */
function gitRemoteUrl(remote: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(remote)) {
    const scp = /^(?:[^@/:\\]+@)?([^/:\\]{2,}):/.exec(remote);
    return scp ? `ssh://${scp[1]}/` : undefined;
  }
  try {
    const url = new URL(remote);
    return url.protocol === 'file:' || url.hostname === '' ? undefined : remote;
  } catch {
    return remote; // not a URL we can read: the gate refuses it, naming it
  }
}
