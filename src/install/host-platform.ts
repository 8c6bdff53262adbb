/** proto's names for this machine's OS and architecture (`HostOS`/`HostArch`), for manifest lock records. */
import type { HostArch, HostOS } from '../protocol/index.js';

export function hostOs(platform: NodeJS.Platform = process.platform): HostOS | string {
  const names: Partial<Record<NodeJS.Platform, HostOS>> = {
    linux: 'linux',
    darwin: 'macos',
    win32: 'windows',
    freebsd: 'freebsd',
    openbsd: 'openbsd',
    netbsd: 'netbsd',
    android: 'android',
    sunos: 'solaris',
  };
  return names[platform] ?? platform;
}

export function hostArch(arch: string = process.arch): HostArch | string {
  const names: Record<string, HostArch> = {
    x64: 'x64',
    arm64: 'arm64',
    ia32: 'x86',
    arm: 'arm',
    ppc64: 'powerpc64',
    s390x: 's390x',
    riscv64: 'riscv64',
    loong64: 'longarm64',
  };
  return names[arch] ?? arch;
}
