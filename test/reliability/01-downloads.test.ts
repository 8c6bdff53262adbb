/**
 * Finding 1: the process died during downloads. A server that closes the connection right after
 * the body (HTTP/1.0-style mirrors, `python3 -m http.server`), while our writes hold the body
 * back, made undici 7 throw an uncatchable `assert(!this.paused)` from the socket's `end`
 * handler (nodejs/undici#5360); a keep-alive server closing after a complete body caused a
 * spurious "other side closed" and a full re-download.
 *
 * The slow consumer is real: the download goes into a FIFO that another process drains slowly.
 * The download runs in a child process because the crash cannot be caught.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { downloadFile } from '../../src/net/index.js';
import { finAfterBody, startRawServer, type RawServer } from './support/raw-http.js';
import { runToEnd, runTs } from './support/processes.js';

const BODY = randomBytes(4 * 1024 * 1024);
const BODY_SHA256 = createHash('sha256').update(BODY).digest('hex');

/** Reads a FIFO in 16 KiB steps with a pause after each, and prints the bytes' sha256. */
const SLOW_READER = `
const { createReadStream } = require('node:fs');
const hash = require('node:crypto').createHash('sha256');
let bytes = 0;
const stream = createReadStream(process.argv[1], { highWaterMark: 16384 });
stream.on('data', (chunk) => { hash.update(chunk); bytes += chunk.length; stream.pause(); setTimeout(() => stream.resume(), 2); });
stream.on('end', () => console.log(JSON.stringify({ bytes, sha256: hash.digest('hex') })));
`;

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'proto-rel-dl-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function downloadIntoSlowFifo(server: RawServer, name: string) {
  const fifo = join(dir, name);
  execFileSync('mkfifo', [fifo]);
  const reader = runToEnd(process.execPath, ['-e', SLOW_READER, fifo], { guardMs: 120_000 });
  const child = await runTs('test/reliability/support/download-child.ts', [server.url(), fifo], { guardMs: 120_000 });
  const drained = await reader;
  return { child, drained };
}

describe('finding 1: downloads survive the server closing right after the body', () => {
  for (const [what, options] of [
    ['Content-Length, then FIN', {}],
    ['no Content-Length (the body ends with the connection), then FIN', { contentLength: false }],
  ] as const) {
    it(`${what}, against a slow consumer`, async () => {
      const server = await startRawServer(finAfterBody(BODY, options));
      try {
        const { child, drained } = await downloadIntoSlowFifo(server, `fifo-${options.contentLength === false ? 'eof' : 'cl'}`);
        assert.equal(child.code, 0, `the download process died:\n${child.stderr}`);
        assert.deepEqual(JSON.parse(child.stdout), { bytes: BODY.length, sha256: BODY_SHA256 });
        assert.deepEqual(JSON.parse(drained.stdout), { bytes: BODY.length, sha256: BODY_SHA256 }, 'the consumer got every byte');
        assert.equal(server.requests.length, 1, 'one request, no retry');
      } finally {
        await server.close();
      }
    });
  }

  it('a keep-alive server that closes after a complete body: no spurious failure, no second download', async () => {
    const server = await startRawServer(finAfterBody(BODY, { keepAlive: true }));
    try {
      // Five downloads, retries allowed: a spurious "other side closed" shows up as an extra request.
      for (let round = 1; round <= 5; round++) {
        const target = join(dir, `keep-alive-${round}.bin`);
        const result = await downloadFile(server.url(), target, { hashes: ['sha256'], settings: { http: { retryCount: 2, retryBaseDelayMs: 1 } } });
        assert.equal(result.hashes.sha256, BODY_SHA256);
        assert.equal(server.requests.length, round, `requests after ${round} downloads: ${server.requests.length}`);
        assert.ok(existsSync(target));
        assert.equal(createHash('sha256').update(readFileSync(target)).digest('hex'), BODY_SHA256);
      }
    } finally {
      await server.close();
    }
  });
});
