/**
 * A checksum file whose name says its algorithm (SHASUMS256.txt, *.sha512) is fetched while the
 * archive downloads; one whose content must tell (checksums.txt) is fetched first, as before.
 *
 * The server here records the order in which requests arrive and responses end, and can make a
 * response wait for something the install does meanwhile (the other request arriving, the archive
 * sent, its files unpacked), always within BOUND_MS: an install that asks in turn then fails its
 * assertion instead of hanging. The archive is the committed demo-1.0.0.tar.gz (made by tar).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { installTool, type InstallSettings } from '../../src/install/index.js';
import { ARCHIVE_NAMES } from '../support/dist-fixtures.js';
import { createFakePlugin } from '../support/fake-plugin.js';
import { createTempStore, type TempStore } from '../support/temp-store.js';
import { readToolMade } from '../support/tool-made.js';

const NAME = ARCHIVE_NAMES.tarGz;
const archive = readToolMade(NAME);
const sha256 = createHash('sha256').update(archive).digest('hex');
const sha512 = createHash('sha512').update(archive).digest('hex');
/** How long a response waits at most for what it waits for: far above what a loaded machine needs. */
const BOUND_MS = 10_000;

type Event = 'checksum requested' | 'checksum answered' | 'archive requested' | 'archive half sent' | 'archive sent' | 'archive closed by the client';

/** What the next requests do; reset before each test. */
interface Plan {
  /** The checksum response waits for this (within BOUND_MS), then is sent. */
  checksumAfter?: Event | 'archive unpacked';
  /** Statuses of the checksum's responses in turn (then 200). */
  checksumStatuses: number[];
  checksumContent?: string;
  /**
   * 'full' sends the archive; 'stall' sends half and waits for the client to close the connection
   * (within BOUND_MS, then the rest); 'reset' sends half and resets the connection; a number is a status.
   */
  archive: Array<'full' | 'stall' | 'reset' | number>;
}

let server: Server;
let base: string;
let temp: TempStore;
let plan: Plan;
let events: Event[];
/** Whether each wait of the checksum response saw what it waited for. */
let checksumWaits: boolean[];
/** Whether the archive's files were in the staging dir as each checksum response was sent. */
let unpackedAtChecksum: boolean[];
const open = new Set<ServerResponse>();

const files: Record<string, () => string> = {
  '/SHASUMS256.txt': () => `${'1'.repeat(64)}  other.zip\n${sha256}  ${NAME}\n`,
  [`/${NAME}.sha512`]: () => `${sha512}  ${NAME}\n`,
  // The name says nothing: the content's 128-hex hashes do.
  '/checksums.txt': () => `${sha512}  ${NAME}\n`,
};

before(async () => {
  server = createServer((req, res) => void answer(req, res).catch((error: unknown) => res.destroy(error as Error)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  for (const res of open) res.destroy();
  await new Promise((resolve) => server?.close(resolve));
});
beforeEach(() => {
  temp = createTempStore();
  plan = { checksumStatuses: [], archive: [] };
  events = [];
  checksumWaits = [];
  unpackedAtChecksum = [];
});
afterEach(() => temp?.cleanup());

async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
  open.add(res);
  res.on('close', () => open.delete(res));
  if (req.url === `/${NAME}`) return answerArchive(res);
  const content = files[req.url ?? ''];
  if (!content) return void res.writeHead(404).end();
  events.push('checksum requested');
  if (plan.checksumAfter) checksumWaits.push(await until(plan.checksumAfter));
  unpackedAtChecksum.push(existsSync(stagedDemo()));
  const status = plan.checksumStatuses.shift() ?? 200;
  events.push('checksum answered');
  if (status !== 200) return void res.writeHead(status).end(`${status}\n`);
  res.end(plan.checksumContent ?? content());
}

async function answerArchive(res: ServerResponse): Promise<void> {
  events.push('archive requested');
  const mode = plan.archive.shift() ?? 'full';
  if (typeof mode === 'number') {
    res.writeHead(mode).end(`${mode}\n`);
    events.push('archive sent');
    return;
  }
  res.writeHead(200, { 'content-length': String(archive.length) });
  if (mode === 'full') return void res.end(archive, () => events.push('archive sent'));
  const half = archive.length >> 1;
  await new Promise<void>((resolve) => res.write(archive.subarray(0, half), () => resolve()));
  events.push('archive half sent');
  if (mode === 'reset') return void res.socket?.resetAndDestroy();
  const closed = new Promise<boolean>((resolve) => {
    res.once('close', () => resolve(!res.writableFinished));
    setTimeout(() => resolve(false), BOUND_MS).unref();
  });
  if (await closed) events.push('archive closed by the client');
  else if (!res.destroyed) res.end(archive.subarray(half), () => events.push('archive sent'));
}

/** The archive's executable in the staging dir, where the unpack writes it. */
function stagedDemo(): string {
  return join(temp.store.inventory('demo').stagingDir('1.0.0'), 'bin/demo');
}

/** Polls for `what` to have happened, within BOUND_MS: true when it did. */
async function until(what: Event | 'archive unpacked'): Promise<boolean> {
  const happened = () => (what === 'archive unpacked' ? existsSync(stagedDemo()) : events.includes(what));
  for (const end = Date.now() + BOUND_MS; !happened(); ) {
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

const http = { retryCount: 2, retryBaseDelayMs: 5, timeoutMs: 60_000 };

function install(checksumName: string, settings: InstallSettings = {}) {
  const plugin = createFakePlugin({ download: { download_url: `${base}/${NAME}`, checksum_url: `${base}/${checksumName}`, archive_prefix: 'demo-1.0.0' } });
  return installTool({ store: temp.store, plugin, version: '1.0.0', settings: { http, ...settings } });
}

/** Installs, expects it to fail with `code`, and checks that nothing was left in tools/ or temp/. */
async function refused(checksumName: string, code: string, settings: InstallSettings = {}): Promise<Error & { code?: string; hint?: string }> {
  let caught: (Error & { code?: string; hint?: string }) | undefined;
  await install(checksumName, settings).catch((error) => {
    caught = error;
  });
  assert.ok(caught, 'the install must fail');
  assert.equal(caught.code, code, caught.message);
  assert.deepEqual(temp.leftoverFiles(), [], 'nothing left in tools/ or temp/');
  assert.equal(existsSync(temp.store.inventory('demo').productDir('1.0.0')), false, 'nothing installed');
  return caught;
}

describe('the checksum file and the archive at once', () => {
  for (const [checksumName, expected] of [
    ['SHASUMS256.txt', `sha256:${sha256}`],
    [`${NAME}.sha512`, `sha512:${sha512}`],
  ] as const) {
    it(`${checksumName}: the archive is requested while the checksum file is on its way`, async () => {
      plan.checksumAfter = 'archive requested';
      const result = await install(checksumName);
      assert.deepEqual(checksumWaits, [true], 'the archive request arrived before the checksum was answered');
      assert.equal(result.checksum, expected, 'the digest the name says was computed while the archive streamed');
      assert.deepEqual(temp.leftoverFiles().filter((file) => !file.startsWith('tools/demo/1.0.0/')), ['tools/demo/manifest.json']);
    });
  }

  it('a name that says nothing (checksums.txt): the checksum first, then the archive', async () => {
    const result = await install('checksums.txt');
    assert.equal(result.checksum, `sha512:${sha512}`, 'detected from the content');
    assert.deepEqual(events.slice(0, 3), ['checksum requested', 'checksum answered', 'archive requested']);
  });

  it('retries work for both requests at once', async () => {
    plan.checksumAfter = 'archive half sent';
    plan.checksumStatuses = [503];
    plan.archive = ['reset', 'full'];
    const result = await install('SHASUMS256.txt');
    assert.equal(result.checksum, `sha256:${sha256}`);
    assert.deepEqual(checksumWaits, [true, true]);
    assert.equal(events.filter((event) => event === 'checksum requested').length, 2);
    assert.equal(events.filter((event) => event === 'archive requested').length, 2);
  });
});

for (const [mode, settings] of [
  ['kept in memory', {}],
  ['written to disk', { inMemoryDownloadMaxBytes: 0 }],
] as const) {
  describe(`failures while both are in flight, the archive ${mode}`, () => {
    it('the checksum file is missing: the archive download is stopped, its error is the checksum\'s, nothing is left', async () => {
      plan.checksumAfter = 'archive half sent';
      plan.checksumStatuses = [404];
      plan.archive = ['stall'];
      const error = await refused('SHASUMS256.txt', 'net.http_status', settings);
      assert.match(error.message, /SHASUMS256\.txt failed with HTTP 404/);
      assert.ok(error.hint, 'the hint of a failed checksum fetch');
      assert.deepEqual(checksumWaits, [true], 'the archive was half downloaded when the checksum failed');
      assert.ok(await until('archive closed by the client'), 'the stalled archive download was stopped, not left to time out');
      assert.equal(events.includes('archive sent'), false);
    });

    it('the checksum file is too large: the archive download is stopped, the error is the checksum\'s', async () => {
      plan.checksumAfter = 'archive half sent';
      plan.archive = ['stall'];
      const error = await refused('SHASUMS256.txt', 'net.too_large', { ...settings, checksumFileMaxBytes: 64 });
      assert.match(error.message, /SHASUMS256\.txt/);
      assert.match(error.hint ?? '', /checksum-file/, 'the hint names the setting');
      assert.ok(await until('archive closed by the client'), 'the stalled archive download was stopped');
    });

    it('both fail (the archive first): the error is the checksum\'s', async () => {
      plan.checksumAfter = 'archive sent';
      plan.checksumStatuses = [404];
      plan.archive = [404];
      const error = await refused('SHASUMS256.txt', 'net.http_status', settings);
      assert.deepEqual(checksumWaits, [true], 'the archive had failed before the checksum did');
      assert.match(error.message, /SHASUMS256\.txt failed with HTTP 404/);
    });

    it('the archive fails, the checksum is fine: the archive\'s error', async () => {
      plan.archive = [404];
      const error = await refused('SHASUMS256.txt', 'net.http_status', settings);
      assert.match(error.message, new RegExp(`${NAME.replaceAll('.', '\\.')} failed with HTTP 404`));
    });

    // The archive (1.4 KiB) kept in memory is unpacked in one piece once verified; on disk, it is
    // unpacked as it downloads.
    const streamed = mode === 'written to disk';
    it(`the archive is ${streamed ? '' : 'not '}unpacked before its checksum arrives, and a mismatch commits nothing`, async () => {
      plan.checksumAfter = streamed ? 'archive unpacked' : 'archive sent';
      plan.checksumContent = `${'0'.repeat(64)}  ${NAME}\n`;
      const error = await refused('SHASUMS256.txt', 'install.checksum_mismatch', settings);
      assert.deepEqual(checksumWaits, [true], streamed ? 'the unpack had written the staging dir while the checksum was held' : 'the archive was sent before the checksum');
      assert.deepEqual(unpackedAtChecksum, [streamed], 'the staging dir as the checksum was answered');
      assert.match(error.message, new RegExp(sha256));
    });
  });
}
