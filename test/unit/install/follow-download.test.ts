import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, realpathSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DownloadFollower, DownloadRestarted } from '../../../src/install/follow-download.js';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'proto-follow-')));
after(() => rmSync(base, { recursive: true, force: true }));
let count = 0;

/** Collects the stream; resolves with its bytes, or the error it failed with. */
function collect(follower: DownloadFollower): Promise<Buffer | Error> {
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    follower.stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    follower.stream.on('end', () => resolve(Buffer.concat(chunks)));
    follower.stream.on('error', resolve);
  });
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('DownloadFollower', () => {
  it('reads a file while it grows, waits when it catches up, and ends when the download does', async () => {
    const path = join(base, `grow-${count++}`);
    writeFileSync(path, '');
    const follower = new DownloadFollower(path);
    follower.grew(0);
    const result = collect(follower);
    const parts = [Buffer.alloc(3_000_000, 'a'), Buffer.from('middle'), Buffer.alloc(70_000, 'z')];
    let written = 0;
    for (const part of parts) {
      await tick();
      appendFileSync(path, part);
      written += part.length;
      follower.grew(written);
    }
    // Bytes on disk beyond what the download reported are not read yet.
    appendFileSync(path, 'not reported');
    await tick();
    truncateSync(path, written);
    follower.finish();
    assert.deepEqual(await result, Buffer.concat(parts));
    assert.equal(follower.restarted, false);
  });

  it('fails with DownloadRestarted when the download starts over, and says so', async () => {
    const path = join(base, `restart-${count++}`);
    writeFileSync(path, 'first attempt');
    const follower = new DownloadFollower(path);
    const result = collect(follower);
    follower.grew(13);
    await tick();
    writeFileSync(path, '');
    follower.grew(0);
    const error = await result;
    assert.ok(error instanceof DownloadRestarted, String(error));
    assert.equal(follower.restarted, true);
  });

  it('fails with the download error when the download fails', async () => {
    const path = join(base, `fail-${count++}`);
    writeFileSync(path, 'some');
    const follower = new DownloadFollower(path);
    const result = collect(follower);
    follower.grew(4);
    follower.stop(new Error('connection reset'));
    const error = await result;
    assert.ok(error instanceof Error && error.message === 'connection reset', String(error));
    assert.equal(follower.restarted, false);
  });
});
