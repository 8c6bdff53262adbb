/**
 * Unpacks a tar archive while it downloads (step 5.3 overlapping 5.1), like `curl | tar -x`:
 * the unpack follows the download file as it grows (follow-download.ts) into the staging dir.
 * A small archive (`inMemoryDownloadMaxBytes`, 8 MiB) is not written to disk at all: the unpack
 * takes its chunks as they arrive, and the download keeps them in memory until it is verified.
 * One of at most 1 MiB (WHOLE_ARCHIVE_MAX_BYTES) is not unpacked here: once verified, the caller
 * unpacks its body in one piece.
 *
 * Nothing it writes counts before the download is verified: the caller awaits `result()` only
 * after verification, and on any earlier failure calls `cancel()` and reports that failure, so a
 * tampered archive is a checksum mismatch, not a corrupt archive, and the staging dir is removed
 * as before. Only .tar.gz and .tar archives of a known length (Content-Length) are streamed; the
 * unpack byte budget is computed from that length. A plugin's `unpack_archive`, zips (their
 * directory is at the end), other compressions (see `streamable`) and single compressed files
 * are unpacked after the download, as before.
 */
import { promises as fs } from 'node:fs';
import { Readable } from 'node:stream';
import { makeDirectory } from '../store/make-directory.js';
import { detectArchiveKind } from './archive-kind.js';
import { DownloadFollower, DownloadRestarted } from './follow-download.js';
import { IN_MEMORY_DOWNLOAD_MAX_BYTES, WHOLE_ARCHIVE_MAX_BYTES } from './install-settings.js';
import type { InstallPluginPort } from './plugin-port.js';
import { unpackDownload, type UnpackDownloadInput, type UnpackResult } from './unpack-download.js';

export type StreamedUnpackInput = Omit<UnpackDownloadInput, 'downloadFile' | 'downloadName'>;

/** What the unpack reads: the download file as it grows, or the chunks as they arrive. */
type Follower = Pick<DownloadFollower, 'stream' | 'grew' | 'finish' | 'stop' | 'restarted'>;

export class UnpackWhileDownloading {
  private follower: Follower | undefined;
  /** The last response's body is kept in memory (no file to follow). */
  private bodyInMemory = false;
  /** A second response came (a retry): what the unpack read is void, whatever the follower saw. */
  private retried = false;
  private unpacking: Promise<UnpackResult> | undefined;
  private started = false;
  /** Warnings (skipped entries) wait for the verification: a refused archive warns about nothing. */
  private readonly warnings: string[] = [];

  constructor(private readonly input: StreamedUnpackInput) {}

  /**
   * For downloadArtifacts' `inMemory`, asked at each response: a small archive that is unpacked
   * while it arrives needs no file. Not for a plugin's verify_checksum, which is given a path.
   */
  readonly inMemory = (file: { name: string; total: number | undefined }): boolean => {
    // A retry's body may go elsewhere than the first one's (a file, memory) and have another
    // length: the unpack that follows the first is stopped, and the finished body unpacked after.
    if (this.follower && !this.retried) {
      this.retried = true;
      this.follower.stop(new DownloadRestarted());
    }
    const limit = this.input.settings.inMemoryDownloadMaxBytes ?? IN_MEMORY_DOWNLOAD_MAX_BYTES;
    this.bodyInMemory =
      file.total !== undefined && file.total <= limit && streamable(this.input.plugin, file.name, file.total) && !this.input.plugin.has('verify_checksum');
    return this.bodyInMemory;
  };

  /** For downloadArtifacts' `onChunk`: the body's next chunk (what a chunk follower reads). */
  readonly onChunk = (chunk: Buffer): void => {
    if (this.follower instanceof ChunkFollower && !this.retried) this.follower.push(chunk);
  };

  /** For downloadArtifacts' `onWrite`: the download has `bytes` bytes (0 when it (re)starts). */
  readonly onWrite = (file: { path: string; name: string; total: number | undefined }, bytes: number): void => {
    if (!this.started) {
      this.started = true;
      if (!streamable(this.input.plugin, file.name, file.total)) return;
      // A small body is unpacked in one piece after its verification (extract-tar.ts).
      if (this.bodyInMemory && file.total! <= WHOLE_ARCHIVE_MAX_BYTES) return;
      this.follower = this.bodyInMemory ? new ChunkFollower() : new DownloadFollower(file.path);
      this.unpacking = unpackDownload({
        ...this.input,
        downloadFile: file.path,
        downloadName: file.name,
        stream: this.follower.stream,
        archiveBytes: file.total,
        warn: (message) => this.warnings.push(message),
      });
      // Awaited in result() or cancel(); never an unhandled rejection meanwhile. An unpack that
      // failed early leaves the reader waiting: destroying it closes the file.
      const follower = this.follower;
      this.unpacking.catch(() => undefined).finally(() => follower.stream.destroy());
    }
    this.follower?.grew(bytes);
  };

  /** The download completed (its length checked): the unpack reads to its end. */
  downloaded(): void {
    this.follower?.finish();
  }

  /** A failure before verification ended: stops the unpack and waits for it to let go of its files. */
  async cancel(error: unknown): Promise<void> {
    this.follower?.stop(error instanceof Error ? error : new Error(String(error)));
    await this.unpacking?.catch(() => undefined);
  }

  /**
   * The unpack's result, or undefined when it did not run while downloading (not streamable, or
   * the download started over): the caller then unpacks the finished download (its file, or its
   * body in memory) into the staging dir, which is empty again.
   */
  async result(): Promise<UnpackResult | undefined> {
    if (!this.unpacking) return undefined;
    try {
      const result = await this.unpacking;
      for (const message of this.warnings) this.input.warn(message);
      return result;
    } catch (error) {
      // Whatever failed after a restart read bytes that are no longer the file's.
      if (!this.follower!.restarted && !this.retried) throw error;
      const dir = this.input.outputDir;
      await fs.rm(dir, { recursive: true, force: true });
      await makeDirectory(dir);
      return undefined;
    }
  }
}

/**
 * The body's chunks in order, pushed as they arrive (the download holds them, within
 * `inMemoryDownloadMaxBytes`, so nothing waits for the reader). A retry is seen at its response
 * (`UnpackWhileDownloading.inMemory` stops this follower): its chunks are not taken, and the
 * caller unpacks the finished body again.
 */
class ChunkFollower implements Follower {
  // The unpack sees a failure through its reads; with nobody reading at that moment (a small
  // archive read to its end, or an unpack still loading), an 'error' event without a listener
  // would end the process.
  readonly stream = new Readable({ read: () => undefined }).on('error', () => undefined);
  readonly restarted = false;
  private failure: Error | undefined;

  push(chunk: Buffer): void {
    if (this.failure === undefined && !this.stream.destroyed) this.stream.push(chunk);
  }

  /** Chunks come through `push`; the byte count tells nothing more. */
  grew(): void {}

  finish(): void {
    if (this.failure === undefined && !this.stream.destroyed) this.stream.push(null);
  }

  stop(error: Error): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.stream.destroy(error);
  }
}

/**
 * Only archives this process decodes itself (.tar.gz, plain .tar). Fed to a helper process (xz,
 * bzip2, zstd) through its stdin, the same archive unpacked 1.46× slower than the helper reading
 * the finished file (bench/install.ts, .tar.xz from 127.0.0.1): this process became the pump
 * between the file and the helper.
 */
function streamable(plugin: InstallPluginPort, name: string, total: number | undefined): boolean {
  if (total === undefined || plugin.has('unpack_archive')) return false;
  const kind = detectArchiveKind(name);
  return kind.type === 'tar' && (kind.compression === 'gzip' || kind.compression === 'none');
}
