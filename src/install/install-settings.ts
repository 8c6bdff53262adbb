/**
 * Settings of the install pipeline: the network settings plus bounds for unpacking. All values
 * come from the user's configuration and are trusted.
 */
import { LIMITS, limitSetting, MIB } from '../limits.js';
import type { NetSettings } from '../net/index.js';

export type XzDecoderChoice = 'auto' | 'system' | 'wasm';

export interface UnpackLimits {
  /** Hard cap on the bytes written by one unpack (default `[settings.limits] unpack-size`). */
  maxBytes?: number;
  /**
   * Cap relative to the archive size: unpacked bytes may not exceed `maxRatio` × archive bytes,
   * but are always allowed up to `ratioFloorBytes` (defaults `unpack-ratio` and 256 MiB).
   */
  maxRatio?: number;
  ratioFloorBytes?: number;
  /** Cap on the number of entries (default `[settings.limits] archive-entries`). */
  maxEntries?: number;
}

export interface InstallSettings extends NetSettings {
  unpack?: UnpackLimits & {
    /** `auto` (default): the system `xz` when on PATH, else the bundled WebAssembly decoder. */
    xzDecoder?: XzDecoderChoice;
  };
  /** Give up waiting for another process's install lock after this long (default: wait). */
  lockTimeoutMs?: number;
  /** The largest download accepted (default: `[settings.limits] download-size`). */
  downloadMaxBytes?: number;
  /** The largest checksum or signature file accepted (default: `[settings.limits] checksum-file`). */
  checksumFileMaxBytes?: number;
  /**
   * A download that is unpacked while it arrives (unpack-while-downloading.ts) and declares at
   * most this many bytes is kept in memory instead of written to the temp dir (default
   * IN_MEMORY_DOWNLOAD_MAX_BYTES; 0 writes every download to disk).
   */
  inMemoryDownloadMaxBytes?: number;
  /** Recorded as `no_clean` in manifest.json (`PROTO_NO_CLEAN`). */
  noClean?: boolean;
}

/**
 * The default of `inMemoryDownloadMaxBytes`: most tools' archives are larger, and keep the
 * page-cache path (the unpack reads the file behind the download, never slowing it); a small one
 * saves the making, writing, reading back and removing of its file, and holds at most this much
 * memory when the unpack falls behind.
 */
export const IN_MEMORY_DOWNLOAD_MAX_BYTES = 8 * MIB;

/**
 * A download kept in memory (IN_MEMORY_DOWNLOAD_MAX_BYTES) of at most this size is not unpacked
 * while it arrives but in one piece once it is verified: decompressed at once and handed to the
 * tar parser in one write (extract-tar.ts). For a small archive, the stream pipeline (a follower
 * stream, zlib's stream in the thread pool, an async iteration per chunk) cost ~2 ms more of
 * main-thread CPU than the unpack itself, ten times over in an install of ten tools
 * (bench/install-many.ts). A larger one keeps streaming: its unpack overlaps its download, and
 * never holds the event loop for long.
 */
export const WHOLE_ARCHIVE_MAX_BYTES = MIB;

export const DEFAULT_UNPACK_LIMITS = {
  maxBytes: LIMITS.unpackSize.default * MIB,
  maxRatio: LIMITS.unpackRatio.default,
  ratioFloorBytes: 256 * MIB,
  maxEntries: LIMITS.archiveEntries.default,
} as const;

/**
 * The byte budget for unpacking an archive of `archiveBytes` bytes, and the setting that bounds it
 * (`current` in that setting's unit), so that a refusal can say which one to raise.
 */
export function unpackBudget(archiveBytes: number, limits: UnpackLimits = {}): { bytes: number; bound: 'unpackSize' | 'unpackRatio'; current: number } {
  const maxBytes = limits.maxBytes ?? DEFAULT_UNPACK_LIMITS.maxBytes;
  const maxRatio = limits.maxRatio ?? DEFAULT_UNPACK_LIMITS.maxRatio;
  const byRatio = Math.max(limits.ratioFloorBytes ?? DEFAULT_UNPACK_LIMITS.ratioFloorBytes, archiveBytes * maxRatio);
  if (byRatio >= maxBytes) return { bytes: maxBytes, bound: 'unpackSize', current: maxBytes / MIB };
  // Under the floor a small archive may unpack more than unpack-ratio times its size: the ratio it
  // is really held to is what a raised unpack-ratio must pass to make any difference.
  const effectiveRatio = archiveBytes > 0 ? Math.max(maxRatio, Math.floor(byRatio / archiveBytes)) : maxRatio;
  return { bytes: byRatio, bound: 'unpackRatio', current: effectiveRatio };
}

/** The byte budget alone (see unpackBudget). */
export function unpackByteBudget(archiveBytes: number, limits: UnpackLimits = {}): number {
  return unpackBudget(archiveBytes, limits).bytes;
}

/**
 * The ceiling `[settings.limits] download-size` puts on one download, in the options downloadFile
 * and fetchBuffer take: tool archives and plugins alike.
 */
export function downloadLimit(settings: InstallSettings): { maxBytes: number; limitSetting: string } {
  return { maxBytes: settings.downloadMaxBytes ?? LIMITS.downloadSize.default * MIB, limitSetting: limitSetting('downloadSize') };
}

/** Progress of an install, for a CLI progress bar (stderr). */
export type InstallProgress =
  | { phase: 'wait-lock'; ownerPid: number | undefined }
  | { phase: 'download'; file: string; bytes: number; total: number | undefined }
  | { phase: 'verify'; file: string }
  | { phase: 'unpack'; file: string }
  | { phase: 'commit'; dir: string };
