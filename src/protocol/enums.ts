/** Small wire enums (spec §2.4–§2.5). Values are exactly what travels on the wire. */

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
