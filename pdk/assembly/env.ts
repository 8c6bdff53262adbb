// The host machine as the plugin sees it (config `host_environment`), and
// checks/helpers that depend on it.
import { Result, ok, err } from "./result";
import { JsonReader } from "./json/reader";
import { getConfigJson } from "./config";
import { VirtualPath } from "./paths";

/** Operating system names used on the wire (lowercase, as proto sends them). */
export namespace HostOS {
  export const Android = "android";
  export const DragonFly = "dragonfly";
  export const FreeBSD = "freebsd";
  export const IOS = "ios";
  export const Linux = "linux";
  export const MacOS = "macos";
  export const NetBSD = "netbsd";
  export const OpenBSD = "openbsd";
  export const Solaris = "solaris";
  export const Windows = "windows";
}

/** CPU architecture names used on the wire. */
export namespace HostArch {
  export const X86 = "x86";
  export const X64 = "x64";
  export const Arm = "arm";
  export const Arm64 = "arm64";
  export const LongArm64 = "longarm64";
  export const M68k = "m68k";
  export const Mips = "mips";
  export const Mips64 = "mips64";
  export const PowerPC = "powerpc";
  export const PowerPC64 = "powerpc64";
  export const RiscV64 = "riscv64";
  export const S390x = "s390x";
  export const Sparc64 = "sparc64";
}

export namespace HostLibc {
  export const Gnu = "gnu";
  export const Musl = "musl";
  export const Unknown = "unknown";
}

export class HostEnvironment {
  constructor(
    readonly os: string,
    readonly arch: string,
    readonly libc: string = HostLibc.Unknown,
    readonly ci: bool = false,
    readonly homeDir: VirtualPath = new VirtualPath("/userhome"),
  ) {}

  /**
   * `os` and `arch` are required; the rest default, because older hosts sent
   * fewer fields (`libc` ~0.40+, `ci` 0.48.1+). Aliases proto accepts
   * (`mac`, `x86_64`, `aarch64`, `loongarch64`) are normalized.
   */
  static fromJson(json: JsonReader): HostEnvironment {
    const os = normalizeOs(json.string("os"));
    const arch = normalizeArch(json.string("arch"));
    const libc = json.stringOr("libc", HostLibc.Unknown).toLowerCase();
    const ci = json.boolOr("ci", false);
    const homeDir = VirtualPath.readOptional(json, "home_dir");
    return new HostEnvironment(os, arch, libc, ci, homeDir !== null ? homeDir : new VirtualPath("/userhome"));
  }

  get isWindows(): bool {
    return this.os == HostOS.Windows;
  }

  get isMac(): bool {
    return this.os == HostOS.MacOS;
  }

  get isLinux(): bool {
    return this.os == HostOS.Linux;
  }
}

/** The host environment from config `host_environment`. */
export function getHostEnvironment(): Result<HostEnvironment> {
  const json = getConfigJson("host_environment");
  if (json.isErr) return err<HostEnvironment>(json.error);
  const value = json.value;
  if (value === null) return err<HostEnvironment>("config `host_environment` is missing: the host must set it");
  const reader = JsonReader.root(value, "config `host_environment`");
  const env = HostEnvironment.fromJson(reader);
  return reader.finish<HostEnvironment>(env).withContext("invalid config `host_environment`");
}

/** One supported OS and the architectures supported on it. */
export class SupportedPlatform {
  constructor(readonly os: string, readonly archs: string[]) {}
}

/** Shorthand for `new SupportedPlatform(os, archs)`. */
export function platform(os: string, archs: string[]): SupportedPlatform {
  return new SupportedPlatform(os, archs);
}

/**
 * Checks the host against the platforms a tool ships for (proto_pdk's
 * "permutations"). Returns null when supported, else a message naming the
 * unsupported OS or architecture, ready for pluginError():
 *
 *     const unsupported = checkSupportedOsAndArch("DistTool", env, [
 *       platform(HostOS.Linux, [HostArch.X64, HostArch.Arm64]),
 *       platform(HostOS.Windows, [HostArch.X64]),
 *     ]);
 *     if (unsupported !== null) return pluginError(unsupported);
 */
export function checkSupportedOsAndArch(
  toolName: string,
  env: HostEnvironment,
  platforms: SupportedPlatform[],
): string | null {
  for (let i = 0; i < platforms.length; i++) {
    const supported = platforms[i];
    if (supported.os != env.os) continue;
    if (supported.archs.includes(env.arch)) return null;
    return (
      "Unable to install " + toolName + " for " + env.os + ", unsupported architecture " + env.arch +
      " (supported: " + supported.archs.join(", ") + ")."
    );
  }
  const oses = new Array<string>(0);
  for (let i = 0; i < platforms.length; i++) oses.push(platforms[i].os);
  return "Unable to install " + toolName + ", unsupported OS " + env.os + " (supported: " + oses.join(", ") + ").";
}

/** `name` as an executable file name on the host: `name.exe` on Windows. */
export function exeName(name: string, env: HostEnvironment): string {
  return env.isWindows ? name + ".exe" : name;
}

function normalizeOs(os: string): string {
  const lower = os.toLowerCase();
  return lower == "mac" ? HostOS.MacOS : lower;
}

function normalizeArch(arch: string): string {
  const lower = arch.toLowerCase();
  if (lower == "x86_64") return HostArch.X64;
  if (lower == "aarch64") return HostArch.Arm64;
  if (lower == "loongarch64") return HostArch.LongArm64;
  return lower;
}
