/**
 * Reads a download while it is being written, so that an archive is unpacked as its bytes arrive
 * (as `curl | tar -x` does) instead of after the whole file is on disk.
 *
 * The reader follows the file, not the socket: the download writes each chunk to disk and reports
 * how far it got (`grew`); the reader reads up to there and waits when it catches up. The
 * download is never slowed by the unpack, and what the unpack has not read yet waits in the page
 * cache, not in our memory. The file stays whole on disk for verification.
 *
 * A retry starts the file over (download-file.ts): the bytes already read are no longer the
 * file's, so the reader fails with `DownloadRestarted` and the caller unpacks again from the
 * finished file. Nothing read from the stream counts until the download is verified: the caller
 * commits only after both the verification and the unpack succeeded.
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { passedTransientBytes } from '../transient-buffers.js';

const READ_CHUNK = 256 * 1024;

/** The download started over (a retry): what was read is stale. */
export class DownloadRestarted extends Error {
  constructor() {
    super('the download started over');
    this.name = 'DownloadRestarted';
  }
}

export class DownloadFollower {
  /** The file's bytes in order, ending when the download completes. */
  readonly stream: Readable;
  private written = 0;
  private position = 0;
  private complete = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private handle: FileHandle | undefined;
  private reading = false;
  private sawRestart = false;

  constructor(private readonly path: string) {
    this.stream = new Readable({
      highWaterMark: READ_CHUNK,
      read: () => void this.pump(),
      destroy: (error, callback) => {
        const handle = this.handle;
        this.handle = undefined;
        this.stop(error ?? new Error('stopped'));
        if (handle) handle.close().then(() => callback(error), () => callback(error));
        else callback(error);
      },
    });
  }

  /** The download started over after this reader began: whatever the reader produced is void. */
  get restarted(): boolean {
    return this.sawRestart;
  }

  /** The download has written `bytes` bytes so far (0 again when it starts over). */
  grew(bytes: number): void {
    if (bytes < this.written) {
      this.sawRestart = true;
      return this.stop(new DownloadRestarted());
    }
    this.written = bytes;
    this.notify();
  }

  /** The download is complete and checked: its length is final. */
  finish(): void {
    this.complete = true;
    this.notify();
  }

  /** The download failed: the reader fails too. */
  stop(error: Error): void {
    this.failure ??= error;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Reads the next chunk once there is one (the stream's `read`); one read at a time. */
  private async pump(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    let next: Buffer | null;
    try {
      next = await this.nextChunk();
    } catch (error) {
      this.reading = false;
      return void this.stream.destroy(error as Error);
    }
    this.reading = false;
    this.stream.push(next);
  }

  /** The next bytes of the file, or null at the end of a complete download. */
  private async nextChunk(): Promise<Buffer | null> {
    while (this.failure === undefined && this.position >= this.written && !this.complete) {
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    if (this.failure !== undefined) throw this.failure;
    if (this.position >= this.written) return null;
    if (!this.handle) {
      const handle = await fs.open(this.path, 'r');
      // Destroyed while opening: nobody else would close it.
      if (this.failure !== undefined) {
        await handle.close();
        throw this.failure;
      }
      this.handle = handle;
    }
    const length = Math.min(READ_CHUNK, this.written - this.position);
    const { bytesRead, buffer } = await this.handle.read(Buffer.allocUnsafe(length), 0, length, this.position);
    // Shorter than the download said: a restart truncated it meanwhile.
    if (bytesRead === 0) {
      this.sawRestart = true;
      throw new DownloadRestarted();
    }
    // A restart during the read may have changed what was read.
    if (this.failure !== undefined) throw this.failure;
    this.position += bytesRead;
    passedTransientBytes(bytesRead);
    return buffer.subarray(0, bytesRead);
  }
}
