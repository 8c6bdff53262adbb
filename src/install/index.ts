/** The install pipeline: download → verify → unpack → commit, atomic, under a per-version lock. */
export { installTool, type InstallToolOptions, type InstallToolResult } from './install-tool.js';
export { uninstallTool, type UninstallToolOptions, type UninstallToolResult } from './uninstall-tool.js';
export type { InstallPluginPort, InstallPluginFunction } from './plugin-port.js';
export {
  DEFAULT_UNPACK_LIMITS,
  unpackByteBudget,
  type InstallProgress,
  type InstallSettings,
  type UnpackLimits,
  type XzDecoderChoice,
} from './install-settings.js';
export { downloadArtifacts, type ChecksumPlan, type DownloadedArtifacts } from './download-artifacts.js';
export { verifyDownload } from './verify-download.js';
export { unpackDownload, type UnpackResult } from './unpack-download.js';
export { commitInstall } from './commit-install.js';
export { parseChecksum, formatChecksum, type Checksum, type ChecksumAlgorithm } from './checksum.js';
export { detectChecksumAlgorithm, checksumFileMatches } from './checksum-file.js';
export { verifyMinisign, parseMinisignPublicKey, parseMinisignSignature } from './minisign.js';
export { detectArchiveKind, type ArchiveKind, type Compression } from './archive-kind.js';
export { findExecutable, isExecutableFile } from './system-tools.js';
