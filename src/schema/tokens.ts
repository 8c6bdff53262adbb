/**
 * Tokens of schema plugins (proto's "Non-WASM plugin" docs, `interpolate_tokens` of the schema
 * tool): `{version}`, `{versionMajor}`, `{versionMinor}`, `{versionPatch}`, `{versionYear}`,
 * `{versionMonth}`, `{versionDay}`, `{versionMajorMinor}`, `{versionYearMonth}`,
 * `{versionPrerelease}`, `{versionBuild}`, `{arch}` (Rust's name, or the schema's mapping),
 * `{os}`, `{libc}`. `{download_file}` and `{checksum_file}` are replaced by the caller. Pure.
 */
import { rustArchName, type HostEnvironment } from '../protocol/index.js';
import { parseVersion } from '../version/index.js';
import type { PlatformSchema, ToolSchema } from './tool-schema.js';

export function interpolateTokens(
  value: string,
  version: string,
  host: Pick<HostEnvironment, 'os' | 'arch' | 'libc'>,
  schema: ToolSchema,
  platform: PlatformSchema | undefined,
): string {
  const arch = platform?.arch[host.arch] ?? schema.install.arch[host.arch] ?? rustArchName(host.arch);
  let out = value.replaceAll('{version}', version).replaceAll('{arch}', arch).replaceAll('{os}', host.os);
  // Only looked up when asked for, as proto avoids detecting musl unless a URL needs it.
  if (out.includes('{libc}')) out = out.replaceAll('{libc}', platform?.libc[host.libc] ?? schema.install.libc[host.libc] ?? host.libc);

  const parsed = parseVersion(version);
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  const parts: Record<string, string> = parsed
    ? {
        versionMajor: String(parsed.major),
        versionMinor: String(parsed.minor),
        versionPatch: String(parsed.patch),
        versionYear: pad(parsed.major, 4),
        versionMonth: pad(parsed.minor, 2),
        versionDay: pad(parsed.patch, 2),
        versionMajorMinor: `${parsed.major}.${parsed.minor}`,
        versionYearMonth: `${pad(parsed.major, 4)}-${pad(parsed.minor, 2)}`,
        versionPrerelease: parsed.prerelease ?? '',
        versionBuild: parsed.build ?? '',
      }
    : {};
  // A version that is not semver/calver (`canary`) leaves these tokens empty, as proto does.
  return out.replace(/\{(version[A-Za-z]+)\}/g, (token, name: string) =>
    name in VERSION_TOKENS ? (parts[name] ?? '') : token,
  );
}

const VERSION_TOKENS: Record<string, true> = Object.fromEntries(
  ['versionMajor', 'versionMinor', 'versionPatch', 'versionYear', 'versionMonth', 'versionDay', 'versionMajorMinor', 'versionYearMonth', 'versionPrerelease', 'versionBuild'].map(
    (name) => [name, true] as const,
  ),
);
