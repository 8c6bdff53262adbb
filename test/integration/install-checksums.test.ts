/**
 * Every checksum format and algorithm verifies; every tampered variant is refused with an error
 * that names the file and the hashes, and leaves nothing in tools/ or temp/.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { installTool } from '../../src/install/index.js';
import type { DownloadPrebuiltOutput } from '../../src/protocol/index.js';
import { ARCHIVE_NAMES, createDistFixture, FAST_SETTINGS, type DistFixture } from '../support/dist-fixtures.js';
import { createFakePlugin, type FakePluginSpec } from '../support/fake-plugin.js';
import { generateMinisignKey, signFile, type MinisignKey } from '../support/minisign.js';
import { run } from '../support/system-commands.js';
import { createTempStore } from '../support/temp-store.js';

const NAME = ARCHIVE_NAMES.tarGz;
let dist: DistFixture;
let sha256: string;
let sha512: string;
let key: MinisignKey;
let otherKey: MinisignKey;

before(async () => {
  dist = await createDistFixture();
  const bytes = readFileSync(join(dist.distDir, NAME));
  sha256 = createHash('sha256').update(bytes).digest('hex');
  sha512 = createHash('sha512').update(bytes).digest('hex');
  key = generateMinisignKey(dist.dir, 'release');
  otherKey = generateMinisignKey(dist.dir, 'other');
});
after(async () => {
  await dist.cleanup();
});

function serve(name: string, content: string | Buffer): string {
  dist.server.setFile(`/${name}`, content);
  return dist.url(name);
}

async function install(download: Partial<DownloadPrebuiltOutput>, spec: Partial<FakePluginSpec> = {}) {
  const temp = createTempStore();
  const plugin = createFakePlugin({
    download: { download_url: dist.url(NAME), archive_prefix: 'demo-1.0.0', ...download },
    ...spec,
  });
  try {
    const result = await installTool({ store: temp.store, plugin, version: '1.0.0', settings: FAST_SETTINGS });
    assert.ok(existsSync(join(result.dir, 'bin/demo')));
    assert.deepEqual(temp.leftoverFiles().filter((f) => !f.startsWith('tools/demo/1.0.0/')), ['tools/demo/manifest.json']);
    return { result, plugin };
  } finally {
    temp.cleanup();
  }
}

/** Installs, expects `code`, and checks that nothing was left in tools/ or temp/. */
async function refused(code: string, download: Partial<DownloadPrebuiltOutput>, spec: Partial<FakePluginSpec> = {}, settings = {}) {
  const temp = createTempStore();
  const plugin = createFakePlugin({
    download: { download_url: dist.url(NAME), archive_prefix: 'demo-1.0.0', ...download },
    ...spec,
  });
  try {
    let caught: (Error & { code?: string }) | undefined;
    await installTool({ store: temp.store, plugin, version: '1.0.0', settings: { ...FAST_SETTINGS, ...settings } }).catch((error) => {
      caught = error;
    });
    assert.ok(caught, 'the install must fail');
    assert.equal(caught.code, code, caught.message);
    assert.deepEqual(temp.leftoverFiles(), [], 'nothing left in tools/ or temp/');
    assert.equal(existsSync(temp.store.productDir('demo', '1.0.0')), false);
    return caught;
  } finally {
    temp.cleanup();
  }
}

describe('checksum formats that verify', () => {
  it('<file>.sha256 with "<hash>  <file>"', async () => {
    const { result } = await install({ checksum_url: serve(`${NAME}.sha256`, run('sha256sum', [NAME], { cwd: dist.distDir })) });
    assert.equal(result.checksum, `sha256:${sha256}`);
  });

  it('<file>.sha256sum with a bare hash', async () => {
    await install({ checksum_url: serve(`${NAME}.sha256sum`, `${sha256}\n`) });
  });

  it('<file>.sha512 with the binary "*file" marker', async () => {
    const content = run('sha512sum', ['-b', NAME], { cwd: dist.distDir });
    assert.match(content, / \*demo/);
    const { result } = await install({ checksum_url: serve(`${NAME}.sha512`, content) });
    assert.equal(result.checksum, `sha512:${sha512}`);
  });

  it('<file>.sha512sum with an uppercase bare hash', async () => {
    await install({ checksum_url: serve(`${NAME}.sha512sum`, `${sha512.toUpperCase()}\n`) });
  });

  it('SHASUMS256.txt matched by file name', async () => {
    await install({ checksum_url: dist.url('SHASUMS256.txt') });
  });

  it('SHASUMS512.txt matched by file name', async () => {
    const { result } = await install({ checksum_url: dist.url('SHASUMS512.txt') });
    assert.equal(result.checksum, `sha512:${sha512}`);
  });

  it('a differently named file, detected from its "<hash>  <file>" content', async () => {
    const { result } = await install({
      checksum_url: serve('checksums-v1.txt', `${'0'.repeat(128)}  other.zip\n${sha512}  ${NAME}\n`),
    });
    assert.equal(result.checksum, `sha512:${sha512}`);
  });

  it('checksum_name overrides the URL file name', async () => {
    const url = `${serve('api/checksum', `${sha256}  ${NAME}\n`)}?format=raw`;
    const { plugin } = await install(
      { checksum_url: url, checksum_name: 'sums.sha256' },
      { verifyChecksum: async ({ downloadChecksum }) => ({ verified: downloadChecksum === `sha256:${sha256}` }) },
    );
    const call = plugin.calls.find((c) => c.fn === 'verify_checksum')?.input as { checksumFile: string };
    assert.match(call.checksumFile, /\/sums\.sha256$/);
  });

  it('PowerShell Get-FileHash output', async () => {
    const content = `\r\nAlgorithm       : SHA256\r\nHash            : ${sha256.toUpperCase()}\r\nPath            : C:\\dl\\${NAME}\r\n\r\n`;
    await install({ checksum_url: serve('demo.hash.txt', content) });
  });

  it('inline sha256:, sha512: and bare hex checksums', async () => {
    assert.equal((await install({ checksum: `sha256:${sha256}` })).result.checksum, `sha256:${sha256}`);
    assert.equal((await install({ checksum: `sha512:${sha512}` })).result.checksum, `sha512:${sha512}`);
    assert.equal((await install({ checksum: sha256 })).result.checksum, `sha256:${sha256}`);
    assert.equal((await install({ checksum: sha512.toUpperCase() })).result.checksum, `sha512:${sha512}`);
  });

  it('no checksum at all: the sha256 is recorded for the lockfile', async () => {
    assert.equal((await install({})).result.checksum, `sha256:${sha256}`);
  });

  it('minisign, prehashed signature (minisign default) with checksum_public_key', async () => {
    const signature = signFile(key, join(dist.distDir, NAME), join(dist.dir, 'prehashed.minisig'));
    assert.match(signature.split('\n')[1]!, /^RU/, 'an ED (prehashed) signature');
    const { result } = await install({ checksum_url: serve(`${NAME}.minisig`, signature), checksum_public_key: key.publicKey });
    assert.equal(result.checksum, `minisign:${key.publicKey}`);
  });

  it('minisign, legacy signature, key given as a minisign: checksum', async () => {
    const signature = signFile(key, join(dist.distDir, NAME), join(dist.dir, 'legacy.minisig'), { legacy: true });
    assert.match(signature.split('\n')[1]!, /^RW/, 'an Ed (legacy) signature');
    await install({ checksum_url: serve(`${NAME}.minisign`, signature), checksum: `minisign:${key.publicKey}` });
  });

  it('minisign: the untrusted comment is not signed, so changing it is fine', async () => {
    const signature = signFile(key, join(dist.distDir, NAME), join(dist.dir, 'comment.minisig'));
    const lines = signature.split('\n');
    lines[0] = 'untrusted comment: trusted comment: edited by a mirror';
    await install({ checksum_url: serve(`comment-${NAME}.minisig`, lines.join('\n')), checksum_public_key: key.publicKey });
  });

  it("the plugin's verify_checksum decides when exported", async () => {
    const { plugin } = await install(
      { checksum_url: dist.url('SHASUMS256.txt') },
      { verifyChecksum: async ({ downloadChecksum }) => ({ verified: downloadChecksum === `sha256:${sha256}` }) },
    );
    const call = plugin.calls.find((c) => c.fn === 'verify_checksum')?.input as { checksumFile: string; downloadFile: string };
    assert.match(call.checksumFile, /SHASUMS256\.txt$/);
    assert.match(call.downloadFile, /demo-1\.0\.0\.tar\.gz$/);
  });
});

describe('tampered variants are refused', () => {
  it('a .sha256 file with another hash: the error names the file, expected and actual hash', async () => {
    const wrong = 'f'.repeat(64);
    const error = await refused('install.checksum_mismatch', { checksum_url: serve(`${NAME}.sha256`, `${wrong}  ${NAME}\n`) });
    assert.match(error.message, new RegExp(NAME.replace(/\./g, '\\.')));
    assert.match(error.message, new RegExp(`expected sha256:${wrong}`));
    assert.match(error.message, new RegExp(`got sha256:${sha256}`));
  });

  it('a corrupted download (server flips bytes) against SHASUMS256.txt', async () => {
    dist.server.fault(`/${NAME}`, { corrupt: true });
    try {
      const error = await refused('install.checksum_mismatch', { checksum_url: dist.url('SHASUMS256.txt') });
      assert.match(error.message, new RegExp(`expected sha256:${sha256}`));
    } finally {
      dist.server.clearFaults();
    }
  });

  it('SHASUMS512.txt that has no line for this file', async () => {
    const error = await refused('install.checksum_mismatch', {
      checksum_url: serve('SHASUMS512.txt-other/SHASUMS512.txt', `${'0'.repeat(128)}  something-else.tar.gz\n`),
    });
    assert.match(error.message, /no entry|none found/);
  });

  it("a SHASUMS line with the right hash but another file's name", async () => {
    await refused('install.checksum_mismatch', { checksum_url: serve('renamed/SHASUMS256.txt', `${sha256}  evil-payload.tar.gz\n`) });
  });

  it('a wrong inline checksum', async () => {
    await refused('install.checksum_mismatch', { checksum: `sha512:${'0'.repeat(128)}` });
  });

  it('a malformed inline checksum', async () => {
    await refused('install.invalid_checksum', { checksum: 'md5:abc' });
  });

  it('a checksum file of an unknown algorithm', async () => {
    await refused('install.unknown_checksum_algorithm', { checksum_url: serve('sums.txt', 'd41d8cd98f00b204e9800998ecf8427e  demo\n') });
  });

  it('a PowerShell file of another algorithm', async () => {
    await refused('install.unknown_checksum_algorithm', { checksum_url: serve('ps-md5.txt', 'Algorithm : MD5\nHash : D41D8CD98F00B204E9800998ECF8427E\n') });
  });

  it('minisign: a modified download', async () => {
    const signature = signFile(key, join(dist.distDir, NAME), join(dist.dir, 'tamper.minisig'));
    const modified = Buffer.from(readFileSync(join(dist.distDir, NAME)));
    modified[100] = modified[100]! ^ 1;
    const url = serve('modified/demo-1.0.0.tar.gz', modified);
    const error = await refused('install.signature_invalid', {
      download_url: url,
      checksum_url: serve('modified/demo-1.0.0.tar.gz.minisig', signature),
      checksum_public_key: key.publicKey,
    });
    assert.match(error.message, /demo-1\.0\.0\.tar\.gz/);
  });

  it('minisign: a modified download against a legacy signature', async () => {
    const file = join(dist.dir, 'legacy-src.tar.gz');
    writeFileSync(file, readFileSync(join(dist.distDir, NAME)));
    const signature = signFile(key, file, join(dist.dir, 'legacy-tamper.minisig'), { legacy: true });
    dist.server.fault(`/${NAME}`, { corrupt: true });
    try {
      await refused('install.signature_invalid', { checksum_url: serve('legacy/x.minisig', signature), checksum_public_key: key.publicKey });
    } finally {
      dist.server.clearFaults();
    }
  });

  it('minisign: a signature made with another key', async () => {
    const signature = signFile(otherKey, join(dist.distDir, NAME), join(dist.dir, 'other.minisig'));
    const error = await refused('install.signature_invalid', { checksum_url: serve('other/x.minisig', signature), checksum_public_key: key.publicKey });
    assert.match(error.message, /key/);
  });

  it('minisign: an edited trusted comment (global signature no longer matches)', async () => {
    const signature = signFile(key, join(dist.distDir, NAME), join(dist.dir, 'trusted.minisig'), { trustedComment: 'release 1.0.0' });
    const edited = signature.replace('trusted comment: release 1.0.0', 'trusted comment: release 9.9.9');
    assert.notEqual(edited, signature);
    const error = await refused('install.signature_invalid', { checksum_url: serve('trusted/x.minisig', edited), checksum_public_key: key.publicKey });
    assert.match(error.message, /trusted comment/);
  });

  it('minisign: no public key', async () => {
    const signature = signFile(key, join(dist.distDir, NAME), join(dist.dir, 'nokey.minisig'));
    await refused('install.missing_public_key', { checksum_url: serve('nokey/x.minisig', signature) });
  });

  it('minisign: a garbled signature file', async () => {
    await refused('install.signature_invalid', { checksum_url: serve('garbled/x.minisig', 'untrusted comment: x\nnot base64 at all\n'), checksum_public_key: key.publicKey });
  });

  it("the plugin's verify_checksum says no", async () => {
    const error = await refused('install.checksum_mismatch', { checksum_url: dist.url('SHASUMS256.txt') }, { verifyChecksum: async () => ({ verified: false }) });
    assert.match(error.message, new RegExp(sha256));
  });
});
