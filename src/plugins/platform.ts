/**
 * Which of a manifest's packages this machine uses: an exact os/arch match first, then `any` for
 * the arch, then `any` for the os (a .wasm is usually one package for every platform).
 */
import { ProtoError } from '../errors.js';
import type { PluginManifest, PluginPackage } from './manifest.js';

export interface Platform {
  os: string;
  arch: string;
}

export function selectPackage(manifest: PluginManifest, platform: Platform): PluginPackage {
  const rank = (pkg: PluginPackage): number => {
    const os = pkg.os === platform.os ? 2 : pkg.os === 'any' ? 1 : 0;
    const arch = pkg.arch === platform.arch ? 2 : pkg.arch === 'any' ? 1 : 0;
    return os === 0 || arch === 0 ? 0 : os * 3 + arch;
  };
  const best = manifest.packages.reduce<PluginPackage | undefined>((found, pkg) => (rank(pkg) > (found ? rank(found) : 0) ? pkg : found), undefined);
  if (best) return best;
  const available = manifest.packages.map((pkg) => `${pkg.os}/${pkg.arch}`).join(', ');
  throw new ProtoError('plugin.no_package', `${manifest.name} ${manifest.version} has no package for ${platform.os}/${platform.arch} (it has: ${available}).`, {
    hint: 'Ask the plugin author for a build for this platform, or install another version with --version.',
  });
}
