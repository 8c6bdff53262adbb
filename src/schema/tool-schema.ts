/**
 * A schema plugin's content, validated (proto's documented "Non-WASM plugin" format, the `Schema`
 * of moonrepo/plugins `tools/internal-schema`): every field, its default, and clear errors naming
 * the file and the key. Keys arrive in kebab-case (see read-schema.ts). Unknown keys are ignored,
 * as proto ignores them. Pure.
 */
import { ProtoError } from '../errors.js';
import {
  parseHostArch,
  parseHostLibc,
  parseHostOs,
  parsePluginType,
  type HostArch,
  type HostLibc,
  type HostOS,
  type PluginType,
} from '../protocol/index.js';
import { formatSpec, tryParseSpec } from '../version/index.js';

/** proto's default `version-pattern`: an optional `v`, then major.minor.patch[-pre][+build]. */
export const DEFAULT_VERSION_PATTERN =
  '^v?((?<major>[0-9]+)\\.(?<minor>[0-9]+)\\.(?<patch>[0-9]+)(?<pre>-[0-9a-zA-Z\\.]+)?(?<build>\\+[-0-9a-zA-Z\\.]+)?)$';

export interface PlatformSchema {
  /** Per-platform `{arch}` values (newer proto), over `install.arch`. */
  arch: Partial<Record<HostArch, string>>;
  /** Supported archs; empty = all. */
  archs: HostArch[];
  archivePrefix?: string;
  checksumFile?: string;
  downloadFile: string;
  exesDirs: string[];
  exePath?: string;
  libc: Partial<Record<HostLibc, string>>;
}

export interface ExecutableSchema {
  exePath?: string;
  exeLinkPath?: string;
  noBin: boolean;
  noShim: boolean;
  parentExeArgs: string[];
  parentExeName?: string;
  primary: boolean;
  shimBeforeArgs?: string[];
  shimAfterArgs?: string[];
  shimEnvVars?: Record<string, string>;
}

export interface ToolSchema {
  name: string;
  type: PluginType;
  metadata: { defaultVersion?: string; pluginVersion?: string; requires: string[]; selfUpgradeCommands: string[] };
  platform: Partial<Record<HostOS, PlatformSchema>>;
  deprecations: string[];
  /** Deprecated spellings this file uses (`platform.linux.bin-path`, `install.primary`, ...), to tell the user. */
  deprecatedKeys: string[];
  detect: { versionFiles: string[]; ignore: string[] };
  install: {
    arch: Partial<Record<HostArch, string>>;
    libc: Partial<Record<HostLibc, string>>;
    checksumPublicKey?: string;
    checksumUrl?: string;
    checksumUrlCanary?: string;
    downloadUrl: string;
    downloadUrlCanary?: string;
    exes: Record<string, ExecutableSchema>;
    /** Deprecated in proto for `exes` + `primary = true`. */
    primary?: ExecutableSchema;
    /** Deprecated in proto for `exes`. */
    secondary: Record<string, ExecutableSchema>;
    noBin?: boolean;
    noShim?: boolean;
  };
  packages: { globalsLookupDirs: string[]; globalsPrefix?: string };
  resolve: {
    aliases: Record<string, string>;
    versions: string[];
    versionPattern: string;
    manifestUrl?: string;
    manifestVersionKey: string;
    gitUrl?: string;
    gitTagPattern?: string;
  };
}

type Table = Record<string, unknown>;

/** Validates a parsed schema document from `file`. Throws `schema.invalid` naming the key. */
export function parseToolSchema(document: Table, file: string): ToolSchema {
  const read = new Reader(file);
  const install = read.table(document, 'install');
  const resolve = read.table(document, 'resolve');
  const detect = read.table(document, 'detect');
  const packages = read.table(document, 'packages');
  const metadata = read.table(document, 'metadata');
  const platforms = read.table(document, 'platform');

  const platform: Partial<Record<HostOS, PlatformSchema>> = {};
  for (const [os, value] of Object.entries(platforms)) {
    const hostOs = parseHostOs(os);
    if (!hostOs) throw read.error(`platform.${os}`, `"${os}" is not an operating system proto knows (linux, macos, windows, freebsd, ...)`);
    platform[hostOs] = read.platform(read.asTable(value, `platform.${os}`), `platform.${os}`);
  }

  const type = read.optionalString(document, 'type');
  const pluginType = type === undefined ? 'language' : parsePluginType(type);
  if (!pluginType) throw read.error('type', `"${type}" is not a plugin type (language, dependency-manager, package-manager, cli, version-manager)`);

  const primary = install.primary === undefined ? undefined : read.executable(read.asTable(install.primary, 'install.primary'), 'install.primary');
  return {
    name: read.optionalString(document, 'name') ?? '',
    type: pluginType,
    metadata: {
      defaultVersion: read.optionalSpec(metadata, 'default-version', 'metadata'),
      pluginVersion: read.optionalString(metadata, 'plugin-version', 'metadata'),
      requires: read.strings(metadata, 'requires', 'metadata'),
      selfUpgradeCommands: read.strings(metadata, 'self-upgrade-commands', 'metadata'),
    },
    platform,
    deprecations: read.strings(document, 'deprecations'),
    deprecatedKeys: [
      ...read.deprecated,
      ...(install.primary !== undefined ? ['install.primary'] : []),
      ...(install.secondary !== undefined ? ['install.secondary'] : []),
    ],
    detect: { versionFiles: read.strings(detect, 'version-files', 'detect'), ignore: read.strings(detect, 'ignore', 'detect') },
    install: {
      arch: read.archMap(install, 'install'),
      libc: read.libcMap(install, 'install'),
      checksumPublicKey: read.optionalString(install, 'checksum-public-key', 'install'),
      checksumUrl: read.optionalString(install, 'checksum-url', 'install'),
      checksumUrlCanary: read.optionalString(install, 'checksum-url-canary', 'install'),
      downloadUrl: read.requiredString(install, 'download-url', 'install'),
      downloadUrlCanary: read.optionalString(install, 'download-url-canary', 'install'),
      exes: read.executables(install, 'exes', 'install'),
      primary,
      secondary: read.executables(install, 'secondary', 'install'),
      noBin: read.optionalBoolean(install, 'no-bin', 'install'),
      noShim: read.optionalBoolean(install, 'no-shim', 'install'),
    },
    packages: {
      globalsLookupDirs: read.strings(packages, 'globals-lookup-dirs', 'packages'),
      globalsPrefix: read.optionalString(packages, 'globals-prefix', 'packages'),
    },
    resolve: {
      aliases: read.aliases(resolve),
      versions: read.strings(resolve, 'versions', 'resolve'),
      versionPattern: read.optionalString(resolve, 'version-pattern', 'resolve') ?? DEFAULT_VERSION_PATTERN,
      manifestUrl: read.optionalString(resolve, 'manifest-url', 'resolve'),
      manifestVersionKey: read.optionalString(resolve, 'manifest-version-key', 'resolve') ?? 'version',
      gitUrl: read.optionalString(resolve, 'git-url', 'resolve'),
      gitTagPattern: read.optionalString(resolve, 'git-tag-pattern', 'resolve'),
    },
  };
}

/** Typed field readers whose errors name the file and the key (`install.download-url`). */
class Reader {
  readonly deprecated: string[] = [];

  constructor(private readonly file: string) {}

  error(key: string, why: string): ProtoError {
    return new ProtoError('schema.invalid', `The plugin ${this.file} is invalid at ${key}: ${why}.`, {
      hint: 'See https://moonrepo.dev/docs/proto/non-wasm-plugin for the format.',
    });
  }

  asTable(value: unknown, key: string): Table {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw this.error(key, 'expected a table');
    return value as Table;
  }

  table(parent: Table, key: string, prefix?: string): Table {
    const value = parent[key];
    return value === undefined ? {} : this.asTable(value, join(prefix, key));
  }

  optionalString(parent: Table, key: string, prefix?: string): string | undefined {
    const value = parent[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw this.error(join(prefix, key), `expected a string, got ${JSON.stringify(value)}`);
    return value;
  }

  requiredString(parent: Table, key: string, prefix?: string): string {
    const value = this.optionalString(parent, key, prefix);
    if (value === undefined || value === '') throw this.error(join(prefix, key), 'this setting is required');
    return value;
  }

  optionalBoolean(parent: Table, key: string, prefix?: string): boolean | undefined {
    const value = parent[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') throw this.error(join(prefix, key), `expected true or false, got ${JSON.stringify(value)}`);
    return value;
  }

  strings(parent: Table, key: string, prefix?: string): string[] {
    const value = parent[key];
    if (value === undefined) return [];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      throw this.error(join(prefix, key), 'expected a list of strings');
    }
    return value;
  }

  optionalSpec(parent: Table, key: string, prefix?: string): string | undefined {
    const value = this.optionalString(parent, key, prefix);
    if (value === undefined) return undefined;
    const spec = tryParseSpec(value);
    if (!spec) throw this.error(join(prefix, key), `"${value}" is not a version spec`);
    return formatSpec(spec);
  }

  stringMap(parent: Table, key: string, prefix?: string): Record<string, string> {
    const table = this.table(parent, key, prefix);
    for (const [name, value] of Object.entries(table)) {
      if (typeof value !== 'string') throw this.error(`${join(prefix, key)}.${name}`, 'expected a string');
    }
    return table as Record<string, string>;
  }

  archMap(parent: Table, prefix: string): Partial<Record<HostArch, string>> {
    const out: Partial<Record<HostArch, string>> = {};
    for (const [name, value] of Object.entries(this.stringMap(parent, 'arch', prefix))) {
      const arch = parseHostArch(name);
      if (!arch) throw this.error(`${prefix}.arch.${name}`, `"${name}" is not an architecture (x86_64, aarch64, x64, arm64, ...)`);
      out[arch] = value;
    }
    return out;
  }

  libcMap(parent: Table, prefix: string): Partial<Record<HostLibc, string>> {
    const out: Partial<Record<HostLibc, string>> = {};
    for (const [name, value] of Object.entries(this.stringMap(parent, 'libc', prefix))) {
      const libc = parseHostLibc(name);
      if (!libc) throw this.error(`${prefix}.libc.${name}`, `"${name}" is not a libc (gnu, musl)`);
      out[libc] = value;
    }
    return out;
  }

  platform(table: Table, prefix: string): PlatformSchema {
    const archs = this.strings(table, 'archs', prefix).map((name) => {
      const arch = parseHostArch(name);
      if (!arch) throw this.error(`${prefix}.archs`, `"${name}" is not an architecture`);
      return arch;
    });
    // `exes-dir` (one dir) and `bin-path` are the deprecated spellings of `exes-dirs` and `exe-path`.
    const exesDirs = this.strings(table, 'exes-dirs', prefix);
    const exesDir = this.optionalString(table, 'exes-dir', prefix);
    for (const key of ['exes-dir', 'bin-path']) if (table[key] !== undefined) this.deprecated.push(`${prefix}.${key}`);
    return {
      arch: this.archMap(table, prefix),
      archs,
      archivePrefix: this.optionalString(table, 'archive-prefix', prefix),
      checksumFile: this.optionalString(table, 'checksum-file', prefix),
      downloadFile: this.requiredString(table, 'download-file', prefix),
      exesDirs: exesDirs.length > 0 ? exesDirs : exesDir !== undefined ? [exesDir] : [],
      exePath: this.optionalString(table, 'exe-path', prefix) ?? this.optionalString(table, 'bin-path', prefix),
      libc: this.libcMap(table, prefix),
    };
  }

  executable(table: Table, prefix: string): ExecutableSchema {
    const optionalStrings = (key: string) => (table[key] === undefined ? undefined : this.strings(table, key, prefix));
    return {
      exePath: this.optionalString(table, 'exe-path', prefix),
      exeLinkPath: this.optionalString(table, 'exe-link-path', prefix),
      noBin: this.optionalBoolean(table, 'no-bin', prefix) ?? false,
      noShim: this.optionalBoolean(table, 'no-shim', prefix) ?? false,
      parentExeArgs: this.strings(table, 'parent-exe-args', prefix),
      parentExeName: this.optionalString(table, 'parent-exe-name', prefix),
      primary: this.optionalBoolean(table, 'primary', prefix) ?? false,
      shimBeforeArgs: optionalStrings('shim-before-args'),
      shimAfterArgs: optionalStrings('shim-after-args'),
      shimEnvVars: table['shim-env-vars'] === undefined ? undefined : this.stringMap(table, 'shim-env-vars', prefix),
    };
  }

  executables(parent: Table, key: string, prefix: string): Record<string, ExecutableSchema> {
    return Object.fromEntries(
      Object.entries(this.table(parent, key, prefix)).map(([name, value]) => {
        const where = `${prefix}.${key}.${name}`;
        return [name, this.executable(this.asTable(value, where), where)] as const;
      }),
    );
  }

  aliases(resolve: Table): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [alias, value] of Object.entries(this.stringMap(resolve, 'aliases', 'resolve'))) {
      const spec = tryParseSpec(value);
      if (!spec) throw this.error(`resolve.aliases.${alias}`, `"${value}" is not a version spec`);
      out[alias] = formatSpec(spec);
    }
    return out;
  }
}

function join(prefix: string | undefined, key: string): string {
  return prefix ? `${prefix}.${key}` : key;
}
