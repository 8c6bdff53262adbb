/**
 * A plain object implementing the install port, standing in for a WASM plugin in tests.
 * Each function is optional; `has()` reports the ones given.
 */
import type { DownloadPrebuiltOutput, NativeInstallOutput, NativeUninstallOutput, VerifyChecksumOutput } from '../../src/protocol/index.js';
import type { InstallPluginFunction, InstallPluginPort } from '../../src/install/index.js';

export interface FakePluginSpec {
  id?: string;
  download?: DownloadPrebuiltOutput | ((version: string, installDir: string) => DownloadPrebuiltOutput);
  verifyChecksum?: InstallPluginPort['verifyChecksum'];
  unpackArchive?: InstallPluginPort['unpackArchive'];
  nativeInstall?: (input: { version: string; installDir: string; force: boolean }) => Promise<NativeInstallOutput>;
  nativeUninstall?: (input: { version: string; uninstallDir: string }) => Promise<NativeUninstallOutput>;
}

export interface FakePlugin extends InstallPluginPort {
  /** Calls made, by function name. */
  calls: Array<{ fn: InstallPluginFunction; input: unknown }>;
}

export function createFakePlugin(spec: FakePluginSpec): FakePlugin {
  const calls: FakePlugin['calls'] = [];
  const missing = (fn: string) => () => Promise.reject(new Error(`fake plugin has no ${fn}`));
  return {
    id: spec.id ?? 'demo',
    calls,
    has(fn) {
      return {
        download_prebuilt: spec.download !== undefined,
        verify_checksum: spec.verifyChecksum !== undefined,
        unpack_archive: spec.unpackArchive !== undefined,
        native_install: spec.nativeInstall !== undefined,
        native_uninstall: spec.nativeUninstall !== undefined,
      }[fn];
    },
    async downloadPrebuilt(version, installDir) {
      calls.push({ fn: 'download_prebuilt', input: { version, installDir } });
      if (!spec.download) throw new Error('fake plugin has no download_prebuilt');
      return typeof spec.download === 'function' ? spec.download(version, installDir) : spec.download;
    },
    async verifyChecksum(input): Promise<VerifyChecksumOutput> {
      calls.push({ fn: 'verify_checksum', input });
      return spec.verifyChecksum ? spec.verifyChecksum(input) : missing('verify_checksum')();
    },
    async unpackArchive(input) {
      calls.push({ fn: 'unpack_archive', input });
      return spec.unpackArchive ? spec.unpackArchive(input) : missing('unpack_archive')();
    },
    async nativeInstall(input) {
      calls.push({ fn: 'native_install', input });
      return spec.nativeInstall ? spec.nativeInstall(input) : missing('native_install')();
    },
    async nativeUninstall(input) {
      calls.push({ fn: 'native_uninstall', input });
      return spec.nativeUninstall ? spec.nativeUninstall(input) : missing('native_uninstall')();
    },
  };
}
