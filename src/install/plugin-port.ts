/**
 * What the install pipeline needs from a tool plugin, with REAL host paths. The pipeline never
 * imports the WASM host: an adapter (written with `src/host/`) implements this port, converts
 * the paths to virtual ones and fills the plugin context; tests implement it with plain objects.
 *
 * Everything a plugin returns is untrusted input: URLs go through the URL policy, file names are
 * checked to be plain names, `archive_prefix` cannot climb out of the archive, and the pipeline
 * (not the plugin) decides where files land.
 */
import type {
  DownloadPrebuiltOutput,
  NativeInstallOutput,
  NativeUninstallOutput,
  VerifyChecksumOutput,
} from '../protocol/index.js';

export type InstallPluginFunction =
  | 'download_prebuilt'
  | 'verify_checksum'
  | 'unpack_archive'
  | 'native_install'
  | 'native_uninstall';

export interface InstallPluginPort {
  /** Tool id, used in paths (encoded) and in every error message. */
  readonly id: string;
  /** Whether the plugin exports the function. */
  has(fn: InstallPluginFunction): boolean;
  /** `download_prebuilt`; `installDir` is the product dir the tool will end up in. */
  downloadPrebuilt(version: string, installDir: string): Promise<DownloadPrebuiltOutput>;
  /** `verify_checksum`; `downloadChecksum` is `<algo>:<hex>` of the download as computed by the host. */
  verifyChecksum(input: {
    version: string;
    checksumFile: string;
    downloadFile: string;
    downloadChecksum?: string;
  }): Promise<VerifyChecksumOutput>;
  /**
   * `unpack_archive`. `outputDir` is a staging dir next to the product dir (same file system);
   * it is renamed into place once the plugin returns.
   */
  unpackArchive(input: { version: string; inputFile: string; outputDir: string }): Promise<void>;
  nativeInstall(input: { version: string; installDir: string; force: boolean }): Promise<NativeInstallOutput>;
  nativeUninstall(input: { version: string; uninstallDir: string }): Promise<NativeUninstallOutput>;
  /**
   * The absolute path of the installed version's primary executable (what `proto run` runs). The
   * pipeline checks it exists before it reports success. Ports that cannot say (test doubles)
   * leave it out.
   */
  primaryExecutable?(version: string): Promise<string | undefined>;
}
