/**
 * Node's names for the OS and CPU (`process.platform`, `process.arch`) → proto's `HostOS` and
 * `HostArch` (plugin-api §4.4). Undefined for names proto has no word for.
 */
import type { HostArch, HostOS } from './enums.js';

const OS_NAMES: Partial<Record<string, HostOS>> = {
  linux: 'linux',
  darwin: 'macos',
  win32: 'windows',
  freebsd: 'freebsd',
  openbsd: 'openbsd',
  netbsd: 'netbsd',
  sunos: 'solaris',
  android: 'android',
};

const ARCH_NAMES: Partial<Record<string, HostArch>> = {
  x64: 'x64',
  arm64: 'arm64',
  ia32: 'x86',
  arm: 'arm',
  ppc64: 'powerpc64',
  ppc: 'powerpc',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'longarm64',
  mips: 'mips',
  mipsel: 'mips',
  mips64: 'mips64',
  mips64el: 'mips64',
};

export function hostOsFromNode(platform: string): HostOS | undefined {
  return OS_NAMES[platform];
}

export function hostArchFromNode(arch: string): HostArch | undefined {
  return ARCH_NAMES[arch];
}
