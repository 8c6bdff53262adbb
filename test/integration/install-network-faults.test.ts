/**
 * Network faults against the real dist server: what is retried (resets, truncation, 5xx), what
 * is not (404), timeouts, offline mode, url-rewrites, headers and redirects.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { installTool, type InstallSettings } from '../../src/install/index.js';
import { downloadFile, fetchBuffer } from '../../src/net/index.js';
import { ARCHIVE_NAMES, createDistFixture, type DistFixture } from '../support/dist-fixtures.js';
import { createFakePlugin } from '../support/fake-plugin.js';
import { createTempStore, type TempStore } from '../support/temp-store.js';

const NAME = ARCHIVE_NAMES.tarGz;
const PATH = `/${NAME}`;
let dist: DistFixture;
let temp: TempStore;
let mark = 0;

/** Requests for `path` made by the current test. */
const requestsFor = (path: string) => dist.server.requests.slice(mark).filter((r) => r.path === path);

before(async () => {
  dist = await createDistFixture();
});
after(async () => {
  await dist?.cleanup();
});
beforeEach(() => {
  temp = createTempStore();
  mark = dist.server.requests.length;
});
afterEach(() => {
  dist?.server.clearFaults();
  temp?.cleanup();
});

const settings = (http: InstallSettings['http'] = {}, extra: InstallSettings = {}): InstallSettings => ({
  http: { retryCount: 2, retryBaseDelayMs: 5, timeoutMs: 5_000, ...http },
  ...extra,
});

function plugin(download: Record<string, unknown> = {}) {
  return createFakePlugin({
    download: { download_url: dist.url(NAME), checksum_url: dist.url('SHASUMS256.txt'), archive_prefix: 'demo-1.0.0', ...download },
  });
}

async function expectFailure(promise: Promise<unknown>, code: string): Promise<Error> {
  let caught: (Error & { code?: string }) | undefined;
  await promise.catch((error) => {
    caught = error;
  });
  assert.ok(caught, 'expected a failure');
  assert.equal(caught.code, code, caught.message);
  assert.deepEqual(temp.leftoverFiles(), [], 'nothing left in tools/ or temp/');
  return caught;
}

describe('retries', () => {
  it('a connection reset mid-body, then success', async () => {
    dist.server.fault(PATH, { resetAfter: 100, times: 1 });
    const result = await installTool({ store: temp.store, plugin: plugin(), version: '1.0.0', settings: settings() });
    assert.ok(existsSync(join(result.dir, 'bin/demo')));
    assert.equal(requestsFor(PATH).length, 2);
  });

  it('500, then 200', async () => {
    dist.server.fault(PATH, { statuses: [500, 200] });
    const result = await installTool({ store: temp.store, plugin: plugin(), version: '1.0.0', settings: settings() });
    assert.equal(result.installed, true);
    assert.deepEqual(requestsFor(PATH).map((r) => r.status), [500, 200]);
  });

  it('408 and 429 are retried too', async () => {
    dist.server.fault(PATH, { statuses: [408, 429, 200] });
    await installTool({ store: temp.store, plugin: plugin(), version: '1.0.0', settings: settings() });
    assert.equal(requestsFor(PATH).length, 3);
  });

  it('a truncated body is retried, then reported clearly', async () => {
    dist.server.fault(PATH, { truncateAfter: 100 });
    const error = await expectFailure(installTool({ store: temp.store, plugin: plugin(), version: '1.0.0', settings: settings() }), 'net.connection_failed');
    assert.match(error.message, new RegExp(NAME.replace(/\./g, '\\.')));
    assert.match(error.message, /after 3 attempts/);
    assert.equal(requestsFor(PATH).length, 3);
  });

  it('a truncated body once, then success', async () => {
    dist.server.fault(PATH, { truncateAfter: 100, times: 1 });
    const result = await installTool({ store: temp.store, plugin: plugin(), version: '1.0.0', settings: settings() });
    assert.equal(result.installed, true);
  });

  it('5xx forever: gives up after retryCount retries', async () => {
    dist.server.fault(PATH, { statuses: [503, 503, 503, 503] });
    const error = await expectFailure(installTool({ store: temp.store, plugin: plugin(), version: '1.0.0', settings: settings() }), 'net.http_status');
    assert.match(error.message, /503/);
    assert.equal(requestsFor(PATH).length, 3);
  });
});

describe('failures that are not retried', () => {
  it('404: one request, an error naming the URL and the status', async () => {
    const error = await expectFailure(
      installTool({ store: temp.store, plugin: plugin({ download_url: dist.url('missing.tar.gz') }), version: '1.0.0', settings: settings() }),
      'net.http_status',
    );
    assert.match(error.message, /404/);
    assert.match(error.message, /missing\.tar\.gz/);
    assert.equal(requestsFor('/missing.tar.gz').length, 1);
    assert.match((error as Error & { hint?: string }).hint ?? '', /does not exist/);
  });

  it('offline: a clear error before any request', async () => {
    const before = dist.server.requests.length;
    const error = await expectFailure(
      installTool({ store: temp.store, plugin: plugin(), version: '1.0.0', settings: settings({}, { offline: true }) }),
      'install.offline',
    );
    assert.match(error.message, /offline/);
    assert.equal(dist.server.requests.length, before);
    await assert.rejects(fetchBuffer(dist.url('SHASUMS256.txt'), { settings: { offline: true } }), { code: 'net.offline' });
  });
});

describe('timeouts', () => {
  it('a server slower than the timeout to answer', async () => {
    // undici checks these timeouts with a coarse (~0.5–1 s) timer, hence the long server delay.
    dist.server.fault(PATH, { delayMs: 10_000 });
    const error = await expectFailure(
      installTool({ store: temp.store, plugin: plugin(), version: '1.0.0', settings: settings({ timeoutMs: 150, retryCount: 1 }) }),
      'net.timeout',
    );
    assert.match(error.message, /did not answer within 150 ms/);
    assert.equal(requestsFor(PATH).length, 2);
  });

  it('a server that stalls mid-body', async () => {
    dist.server.fault(PATH, { stallAfter: 100 });
    await expectFailure(
      installTool({ store: temp.store, plugin: plugin(), version: '1.0.0', settings: settings({ timeoutMs: 150, retryCount: 0 }) }),
      'net.timeout',
    );
  });
});

describe('urls and headers', () => {
  it('url-rewrites apply to the download and the checksum file; http to loopback is allowed', async () => {
    const p = plugin({
      download_url: `https://releases.example.com/demo/v1/${NAME}`,
      checksum_url: 'https://releases.example.com/demo/v1/SHASUMS256.txt',
    });
    const rewrites: Array<[RegExp | string, string]> = [['^https://releases\\.example\\.com/demo/v1/(.+)$', `${dist.server.url}/$1`]];
    const result = await installTool({ store: temp.store, plugin: p, version: '1.0.0', settings: settings({}, { urlRewrites: rewrites }) });
    assert.equal(result.installed, true);
    assert.equal(result.source, `https://releases.example.com/demo/v1/${NAME}`, 'the plugin URL is recorded');
    assert.equal(requestsFor(PATH).length, 1);
  });

  it('Rust-style ${1} replacements work', async () => {
    const rewrites: Array<[RegExp | string, string]> = [[/^https:\/\/mirror\.invalid\/(?<file>.+)$/, `${dist.server.url}/\${file}`]];
    const response = await fetchBuffer('https://mirror.invalid/SHASUMS256.txt', { settings: { urlRewrites: rewrites } });
    assert.equal(response.status, 200);
  });

  it('plain http to a non-loopback host is refused', async () => {
    await expectFailure(
      installTool({ store: temp.store, plugin: plugin({ download_url: `http://example.com/${NAME}` }), version: '1.0.0', settings: settings() }),
      'net.insecure_url',
    );
  });

  it("sends the plugin's http_headers with both downloads", async () => {
    await installTool({ store: temp.store, plugin: plugin({ http_headers: { authorization: 'Bearer t0ken', 'x-extra': '1' } }), version: '1.0.0', settings: settings() });
    for (const path of [PATH, '/SHASUMS256.txt']) {
      const request = requestsFor(path).at(-1)!;
      assert.equal(request.headers.authorization, 'Bearer t0ken', path);
      assert.equal(request.headers['x-extra'], '1', path);
    }
  });

  it('follows redirects', async () => {
    dist.server.fault('/latest.tar.gz', { redirect: PATH });
    const result = await installTool({
      store: temp.store,
      plugin: plugin({ download_url: dist.url('latest.tar.gz'), download_name: NAME }),
      version: '1.0.0',
      settings: settings(),
    });
    assert.equal(result.installed, true);
  });
});

describe('net primitives', () => {
  it('fetchBuffer returns any status as data and retries 5xx first', async () => {
    const missing = await fetchBuffer(dist.url('nope.txt'), { settings: { http: { retryCount: 1, retryBaseDelayMs: 5 } } });
    assert.equal(missing.status, 404);
    dist.server.fault('/SHASUMS256.txt', { statuses: [502, 200] });
    const ok = await fetchBuffer(dist.url('SHASUMS256.txt'), { settings: { http: { retryCount: 1, retryBaseDelayMs: 5 } } });
    assert.equal(ok.status, 200);
    assert.match(Buffer.from(ok.body).toString('utf8'), /demo-1\.0\.0\.tar\.gz/);
  });

  it('fetchBuffer refuses a body above maxBytes as downloadFile does (net.too_large, naming the setting)', async () => {
    await assert.rejects(fetchBuffer(dist.url('SHASUMS256.txt'), { maxBytes: 10, limitSetting: '[settings.limits] checksum-file (MiB)' }), (error: Error & { code?: string; hint?: string }) => {
      assert.equal(error.code, 'net.too_large');
      assert.match(error.message, /SHASUMS256\.txt is \d+ B \(its declared length\), more than the limit of 10 B/);
      assert.match(error.hint ?? '', /raise \[settings\.limits\] checksum-file \(MiB\)/);
      return true;
    });
  });

  it('downloadFile reports progress with the total size', async () => {
    const events: Array<{ bytes: number; total: number | undefined }> = [];
    const target = join(temp.dir, 'download.bin');
    const result = await downloadFile(dist.url(NAME), target, { hashes: ['sha256', 'sha512'], onProgress: (p) => events.push(p) });
    assert.ok(events.length >= 2);
    assert.equal(events.at(-1)!.bytes, result.bytes);
    assert.equal(events.at(-1)!.total, result.bytes);
    assert.match(result.hashes.sha256 ?? '', /^[0-9a-f]{64}$/);
    assert.match(result.hashes.sha512 ?? '', /^[0-9a-f]{128}$/);
  });
});
