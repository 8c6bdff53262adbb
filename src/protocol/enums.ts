/** Small wire enums (plugin-api §4.4). Values are exactly what travels on the wire. */

export type HostOS =
  | 'android' | 'dragonfly' | 'freebsd' | 'ios' | 'linux' | 'macos' | 'netbsd' | 'openbsd' | 'solaris' | 'windows';
export type HostArch =
  | 'x86' | 'x64' | 'arm' | 'arm64' | 'longarm64' | 'm68k' | 'mips' | 'mips64' | 'powerpc' | 'powerpc64'
  | 'riscv64' | 's390x' | 'sparc64';
export type HostLibc = 'gnu' | 'musl' | 'unknown';

export type PluginType = 'command-line' | 'language' | 'dependency-manager' | 'version-manager';
export type InstallStrategy = 'download-prebuilt' | 'build-from-source';
export type HostLogTarget = 'stderr' | 'stdout' | 'error' | 'warn' | 'debug' | 'trace';

/** `"a b c"` or `["a","b","c"]`. */
export type StringOrVec = string | string[];
/** `true`/`false`, or a string meaning "enabled, with this message". */
export type Switch = boolean | string;

const pluginTypeAliases: Record<string, PluginType> = {
  'command-line': 'command-line',
  commandline: 'command-line',
  cli: 'command-line',
  language: 'language',
  'dependency-manager': 'dependency-manager',
  dependencymanager: 'dependency-manager',
  'package-manager': 'dependency-manager',
  pm: 'dependency-manager',
  'version-manager': 'version-manager',
  versionmanager: 'version-manager',
  vm: 'version-manager',
};

/** Accepts every spelling proto ever emitted (`CLI`, `CommandLine`, `Language`, `PM`, ...), any case. */
export function parsePluginType(value: unknown): PluginType | undefined {
  if (typeof value !== 'string') return undefined;
  return pluginTypeAliases[value.toLowerCase()];
}

export function parseInstallStrategy(value: unknown): InstallStrategy | undefined {
  if (typeof value !== 'string') return undefined;
  const key = value.toLowerCase().replace(/[-_]/g, '');
  if (key === 'downloadprebuilt') return 'download-prebuilt';
  if (key === 'buildfromsource') return 'build-from-source';
  return undefined;
}

/** `tracing` (0.47–0.59 default) is `trace`; unknown or missing targets are `trace` too. */
export function parseHostLogTarget(value: unknown): HostLogTarget {
  const key = typeof value === 'string' ? value.toLowerCase() : 'trace';
  switch (key) {
    case 'stderr':
    case 'stdout':
    case 'error':
    case 'warn':
    case 'debug':
    case 'trace':
      return key;
    default:
      return 'trace';
  }
}

const HOST_OS_NAMES: readonly HostOS[] = ['android', 'dragonfly', 'freebsd', 'ios', 'linux', 'macos', 'netbsd', 'openbsd', 'solaris', 'windows'];

/** Rust's `std::env::consts::ARCH` for each HostArch (proto's `HostArch::to_rust_arch`), where they differ. */
const RUST_ARCH_NAMES: Partial<Record<HostArch, string>> = { x64: 'x86_64', arm64: 'aarch64', longarm64: 'loongarch64' };
const ARCH_BY_NAME = new Map<string, HostArch>([
  ...(['x86', 'x64', 'arm', 'arm64', 'longarm64', 'm68k', 'mips', 'mips64', 'powerpc', 'powerpc64', 'riscv64', 's390x', 'sparc64'] as HostArch[]).map(
    (arch) => [arch, arch] as const,
  ),
  ...Object.entries(RUST_ARCH_NAMES).map(([arch, rust]) => [rust, arch as HostArch] as const),
]);

export function parseHostOs(value: unknown): HostOS | undefined {
  return typeof value === 'string' && (HOST_OS_NAMES as readonly string[]).includes(value) ? (value as HostOS) : undefined;
}

/** proto's names (`x64`) and Rust's (`x86_64`, `aarch64`), as proto's deserializer accepts both. */
export function parseHostArch(value: unknown): HostArch | undefined {
  return typeof value === 'string' ? ARCH_BY_NAME.get(value) : undefined;
}

/** The Rust name of an arch (`x86_64` for `x64`): the default value of a schema's `{arch}` token. */
export function rustArchName(arch: HostArch): string {
  return RUST_ARCH_NAMES[arch] ?? arch;
}

export function parseHostLibc(value: unknown): HostLibc | undefined {
  return value === 'gnu' || value === 'musl' || value === 'unknown' ? value : undefined;
}
