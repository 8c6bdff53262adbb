/**
 * A tar archive is unpacked while it downloads: a server that sends the first part of the body
 * and then waits sees the first file appear in the staging dir before it sends the rest (a
 * download that is unpacked only once complete would never get there). When the download starts
 * over (a reset mid-body, then a retry), the install still ends with exactly the archive's files.
 * Both ways: an archive kept in memory (no file in the temp dir), and one written to disk
 * and followed there (`inMemoryDownloadMaxBytes: 0`, as an archive above the limit). An archive of
 * at most 1 MiB kept in memory is not unpacked while it downloads, but in one piece once verified.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { installTool } from '../../src/install/index.js';
import { createFakePlugin } from '../support/fake-plugin.js';
import { run } from '../support/system-commands.js';
import { createTempStore, type TempStore } from '../support/temp-store.js';

const NAME = 'demo-1.0.0.tar.gz';
const work = realpathSync(mkdtempSync(join(tmpdir(), 'proto-streamed-')));
// Incompressible, so that the archive is as large (over the 1 MiB unpacked in one piece) and the
// first half holds only part of it.
const FIRST = randomBytes(1536 * 1024);
let archive: Buffer;
/** The same tool with a small first.dat: the whole archive is well under 1 MiB. */
let smallArchive: Buffer;
const SMALL_FIRST = randomBytes(64 * 1024);
/** Whether the staging dir had anything in it while a 'hold' held the rest of the body back. */
let unpackedWhileHeld: boolean | undefined;
let server: Server;
let url: string;
let temp: TempStore;
/**
 * How the next requests answer: 'wait' sends half and waits for the unpack; 'reset' also resets
 * then; 'hold' sends half of the small archive, holds the rest back a moment, and notes whether
 * anything was unpacked meanwhile.
 */
let plan: Array<'wait' | 'reset' | 'full' | 'hold'> = [];
let requests = 0;
let seenMidDownload = false;
/** The version temp dir's files while the server waited mid-body (the first wait), or that there was none. */
let tempFilesMidDownload: string[] | 'no temp dir' | undefined;

before(async () => {
  const tree = join(work, 'tree/demo-1.0.0');
  mkdirSync(join(tree, 'bin'), { recursive: true });
  writeFileSync(join(tree, 'first.dat'), FIRST);
  writeFileSync(join(tree, 'bin/demo'), '#!/bin/sh\necho demo\n', { mode: 0o755 });
  // first.dat first: the half that is sent before waiting starts with it.
  run('tar', ['-czf', join(work, NAME), '-C', join(work, 'tree'), 'demo-1.0.0/first.dat', 'demo-1.0.0/bin/demo']);
  archive = readFileSync(join(work, NAME));
  writeFileSync(join(tree, 'first.dat'), SMALL_FIRST);
  run('tar', ['-czf', join(work, `small-${NAME}`), '-C', join(work, 'tree'), 'demo-1.0.0/first.dat', 'demo-1.0.0/bin/demo']);
  smallArchive = readFileSync(join(work, `small-${NAME}`));
  const shasums = [archive, smallArchive].map((bytes, i) => `${createHash('sha256').update(bytes).digest('hex')}  ${i === 0 ? '' : 'small-'}${NAME}\n`).join('');
  server = createServer((req, res) => {
    if (req.url === '/SHASUMS256.txt') return void res.end(shasums);
    requests++;
    const mode = plan.shift() ?? 'full';
    if (mode === 'hold') {
      res.writeHead(200, { 'content-length': String(smallArchive.length) });
      res.write(smallArchive.subarray(0, smallArchive.length >> 1));
      setTimeout(() => {
        const staging = temp.store.inventory('demo').stagingDir('1.0.0');
        unpackedWhileHeld = existsSync(staging) && readdirSync(staging).length > 0;
        res.end(smallArchive.subarray(smallArchive.length >> 1));
      }, 300);
      return;
    }
    res.writeHead(200, { 'content-length': String(archive.length) });
    if (mode === 'full') return void res.end(archive);
    res.write(archive.subarray(0, archive.length >> 1));
    void waitForFirstFile().then((seen) => {
      seenMidDownload ||= seen;
      const tempDir = temp.store.versionTempDir('demo', '1.0.0');
      tempFilesMidDownload ??= existsSync(tempDir) ? readdirSync(tempDir) : 'no temp dir';
      if (mode === 'reset') res.socket?.resetAndDestroy();
      else res.end(archive.subarray(archive.length >> 1));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise((resolve) => server?.close(resolve));
  rmSync(work, { recursive: true, force: true });
});
beforeEach(() => {
  temp = createTempStore();
  requests = 0;
  seenMidDownload = false;
  tempFilesMidDownload = undefined;
  unpackedWhileHeld = undefined;
});
afterEach(() => temp?.cleanup());

/** Polls (up to 60 s: a loaded machine) for the first file in the staging dir. */
async function waitForFirstFile(): Promise<boolean> {
  const first = join(temp.store.inventory('demo').stagingDir('1.0.0'), 'first.dat');
  for (let i = 0; i < 1200; i++) {
    if (existsSync(first)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

const plugin = () => createFakePlugin({ download: { download_url: `${url}/${NAME}`, checksum_url: `${url}/SHASUMS256.txt`, archive_prefix: 'demo-1.0.0' } });
const http = { retryCount: 2, retryBaseDelayMs: 5, timeoutMs: 120_000 };

for (const [mode, settings, fileMidDownload] of [
  ['kept in memory', { http }, 'no temp dir'],
  ['written to disk', { http, inMemoryDownloadMaxBytes: 0 }, [NAME]],
] as const) {
  describe(`unpacking while downloading, ${mode}`, () => {
    it('the first file of a .tar.gz is unpacked before the rest of the archive arrives', async () => {
      plan = ['wait'];
      const result = await installTool({ store: temp.store, plugin: plugin(), version: '1.0.0', settings });
      assert.equal(seenMidDownload, true, 'first.dat appeared in the staging dir while the download waited');
      assert.deepEqual(tempFilesMidDownload, fileMidDownload, 'the archive (and its temp dir) is on disk only when not kept in memory');
      assert.deepEqual(readFileSync(join(result.dir, 'first.dat')), FIRST);
      assert.equal(readFileSync(join(result.dir, 'bin/demo'), 'utf8'), '#!/bin/sh\necho demo\n');
      assert.deepEqual(temp.leftoverFiles().filter((file) => file.startsWith('temp/') || file.includes('.partial')), [], 'no download or staging file left');
    });

    it('a download that starts over (reset mid-body, then a retry) is unpacked again from the complete download', async () => {
      plan = ['reset', 'full'];
      const result = await installTool({ store: temp.store, plugin: plugin(), version: '1.0.0', settings });
      assert.equal(seenMidDownload, true, 'the first attempt was being unpacked when it was reset');
      assert.equal(requests, 2);
      assert.deepEqual(readFileSync(join(result.dir, 'first.dat')), FIRST);
      assert.equal(readFileSync(join(result.dir, 'bin/demo'), 'utf8'), '#!/bin/sh\necho demo\n');
      assert.deepEqual(temp.leftoverFiles().filter((file) => file.startsWith('temp/') || file.includes('.partial')), [], 'no download or staging file left');
    });
  });
}

describe('a small archive kept in memory', () => {
  it('is unpacked in one piece once verified, not while it downloads', async () => {
    plan = ['hold'];
    const small = createFakePlugin({ download: { download_url: `${url}/small-${NAME}`, checksum_url: `${url}/SHASUMS256.txt`, archive_prefix: 'demo-1.0.0' } });
    const result = await installTool({ store: temp.store, plugin: small, version: '1.0.0', settings: { http } });
    assert.equal(unpackedWhileHeld, false, 'nothing was unpacked while half of the body had arrived');
    assert.deepEqual(readFileSync(join(result.dir, 'first.dat')), SMALL_FIRST);
    assert.equal(readFileSync(join(result.dir, 'bin/demo'), 'utf8'), '#!/bin/sh\necho demo\n');
    assert.deepEqual(temp.leftoverFiles().filter((file) => file.startsWith('temp/') || file.includes('.partial')), [], 'no download or staging file left');
  });
});
