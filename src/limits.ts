/**
 * Every ceiling and deadline proto enforces, with its `[settings.limits]` key, unit and default:
 * the one place they are defined. The config parser reads the keys from here, each layer takes
 * its default from here, and every "limit reached" error names the key from here, so a hint
 * never names a setting that does not exist.
 *
 * Why ceilings at all: plugins, servers, archives and project files are not trusted. Without a
 * bound, a plugin can allocate until the machine swaps, a server can trickle one byte per second
 * while holding the install lock, an archive can hold millions of entries.
 */

export type LimitUnit = 'MiB' | 'entries' | 'ratio' | 'bytes/s' | 'seconds';

export interface LimitDefinition {
  /** The key in `[settings.limits]`. */
  key: string;
  unit: LimitUnit;
  default: number;
  /** What it bounds, for docs and `--help`. */
  bounds: string;
  /** Whether 0 is allowed, and means "no limit". */
  zeroDisables?: boolean;
}

export const LIMITS = {
  pluginMemory: { key: 'plugin-memory', unit: 'MiB', default: 512, bounds: 'the linear memory of one plugin instance' },
  pluginOutput: { key: 'plugin-output', unit: 'MiB', default: 64, bounds: 'what a plugin returns from one call or passes to one host function' },
  commandOutput: { key: 'command-output', unit: 'MiB', default: 64, bounds: 'the stdout plus stderr a plugin command (exec_command) may print' },
  checksumFile: { key: 'checksum-file', unit: 'MiB', default: 16, bounds: 'a downloaded checksum or signature file' },
  versionFile: { key: 'version-file', unit: 'MiB', default: 1, bounds: 'a version file read for detection (.nvmrc, .python-version, ...)' },
  downloadSize: { key: 'download-size', unit: 'MiB', default: 16_384, bounds: 'one download (its declared length, or the bytes received)' },
  archiveEntries: { key: 'archive-entries', unit: 'entries', default: 200_000, bounds: 'the entries of one archive' },
  unpackSize: { key: 'unpack-size', unit: 'MiB', default: 16_384, bounds: 'the bytes one archive unpacks to' },
  unpackRatio: { key: 'unpack-ratio', unit: 'ratio', default: 200, bounds: 'unpacked bytes per archive byte (above the first 256 MiB)' },
  downloadMinSpeed: {
    key: 'download-min-speed',
    unit: 'bytes/s',
    default: 1024,
    bounds: 'the slowest a download may be over a whole window before it is stopped',
    zeroDisables: true,
  },
  downloadMinSpeedWindow: { key: 'download-min-speed-window', unit: 'seconds', default: 30, bounds: 'the window of download-min-speed' },
  lockWait: {
    key: 'lock-wait',
    unit: 'seconds',
    default: 900,
    bounds: 'how long to wait for another proto process installing the same version',
    zeroDisables: true,
  },
} as const satisfies Record<string, LimitDefinition>;

export type LimitName = keyof typeof LIMITS;

/** `[settings.limits]` as merged from the config files (every value set). */
export type LimitValues = Record<LimitName, number>;

export const DEFAULT_LIMITS: Readonly<LimitValues> = Object.freeze(
  Object.fromEntries(Object.entries(LIMITS).map(([name, limit]) => [name, limit.default])) as LimitValues,
);

/** How a user raises the limit: `[settings.limits] plugin-memory (MiB) in .prototools`. */
export function limitSetting(name: LimitName): string {
  const limit: LimitDefinition = LIMITS[name];
  return `[settings.limits] ${limit.key} (${limit.unit})`;
}

/** A hint for an error that hit `name`: which setting raises it, and its current value. */
export function raiseLimitHint(name: LimitName, current: number, why = 'If this is expected'): string {
  return `${why}, raise ${limitSetting(name)} in .prototools (now ${current}).`;
}

export const MIB = 1024 * 1024;
