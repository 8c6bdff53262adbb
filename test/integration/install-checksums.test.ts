/**
 * Every checksum format and algorithm verifies; every tampered variant is refused with an error
 * that names the file and the hashes, and leaves nothing in tools/ or temp/.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { installTool } from '../../src/install/index.js';
import type { DownloadPrebuiltOutput } from '../../src/protocol/index.js';
import { ARCHIVE_NAMES, createDistFixture, FAST_SETTINGS, type DistFixture } from '../support/dist-fixtures.js';
import { createFakePlugin, type FakePluginSpec } from '../support/fake-plugin.js';
import { generateMinisignKey, signFile } from '../support/minisign.js';
import { run, skipWithout } from '../support/system-commands.js';
import { createTempStore } from '../support/temp-store.js';
import { signedRelease, type SignedRelease } from '../support/tool-made.js';

const NAME = ARCHIVE_NAMES.tarGz;
let dist: DistFixture;
let sha256: string;
let sha512: string;
/** Signatures of NAME made by minisign (committed): see test/support/tool-made.ts. */
let signed: SignedRelease;

before(async () => {
  dist = await createDistFixture();
  const bytes = readFileSync(join(dist.distDir, NAME));
  sha256 = createHash('sha256').update(bytes).digest('hex');
  sha512 = createHash('sha512').update(bytes).digest('hex');
  signed = signedRelease();
});
after(async () => {
  await dist?.cleanup();
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
    assert.equal(existsSync(temp.store.inventory('demo').productDir('1.0.0')), false);
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
    assert.match(signed.prehashed.split('\n')[1]!, /^RU/, 'an ED (prehashed) signature');
    const { result } = await install({ checksum_url: serve(`${NAME}.minisig`, signed.prehashed), checksum_public_key: signed.publicKey });
    assert.equal(result.checksum, `minisign:${signed.publicKey}`);
  });

  it('minisign, legacy signature, key given as a minisign: checksum', async () => {
    assert.match(signed.legacy.split('\n')[1]!, /^RW/, 'an Ed (legacy) signature');
    await install({ checksum_url: serve(`${NAME}.minisign`, signed.legacy), checksum: `minisign:${signed.publicKey}` });
  });

  it('minisign: the untrusted comment is not signed, so changing it is fine', async () => {
    const lines = signed.prehashed.split('\n');
    lines[0] = 'untrusted comment: trusted comment: edited by a mirror';
    await install({ checksum_url: serve(`comment-${NAME}.minisig`, lines.join('\n')), checksum_public_key: signed.publicKey });
  });

  it("the plugin's verify_checksum decides when exported, with the checksum file on disk", async () => {
    let seen: string | undefined;
    const { plugin } = await install(
      { checksum_url: dist.url('SHASUMS256.txt') },
      {
        verifyChecksum: async ({ downloadChecksum, checksumFile }) => {
          seen = readFileSync(checksumFile, 'utf8');
          return { verified: downloadChecksum === `sha256:${sha256}` };
        },
      },
    );
    assert.equal(seen, readFileSync(join(dist.distDir, 'SHASUMS256.txt'), 'utf8'));
    const call = plugin.calls.find((c) => c.fn === 'verify_checksum')?.input as { checksumFile: string; downloadFile: string };
    assert.match(call.checksumFile, /SHASUMS256\.txt$/);
    assert.match(call.downloadFile, /demo-1\.0\.0\.tar\.gz$/);
  });
});

describe('checksum files stay in memory', () => {
  it('without verify_checksum, a downloaded or inline checksum is never written to the temp dir', async () => {
    for (const download of [{ checksum_url: dist.url('SHASUMS256.txt') }, { checksum: `sha256:${sha256}` }]) {
      const temp = createTempStore();
      try {
        const plugin = createFakePlugin({ download: { download_url: dist.url(NAME), archive_prefix: 'demo-1.0.0', ...download } });
        const tempDir = temp.store.versionTempDir('demo', '1.0.0');
        const listings: string[][] = [];
        await installTool({
          store: temp.store,
          plugin,
          version: '1.0.0',
          settings: FAST_SETTINGS,
          onProgress: (progress) => {
            // A download kept in memory (small archives are) makes no temp dir.
            if (progress.phase === 'download') listings.push(existsSync(tempDir) ? readdirSync(tempDir) : []);
          },
        });
        assert.ok(listings.length > 0, 'the download reported progress');
        for (const listing of listings) assert.deepEqual(listing.filter((file) => file !== NAME), [], JSON.stringify(download));
      } finally {
        temp.cleanup();
      }
    }
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
    const signature = signed.prehashed;
    const modified = Buffer.from(readFileSync(join(dist.distDir, NAME)));
    modified[100] = modified[100]! ^ 1;
    const url = serve('modified/demo-1.0.0.tar.gz', modified);
    const error = await refused('install.signature_invalid', {
      download_url: url,
      checksum_url: serve('modified/demo-1.0.0.tar.gz.minisig', signature),
      checksum_public_key: signed.publicKey,
    });
    assert.match(error.message, /demo-1\.0\.0\.tar\.gz/);
  });

  it('minisign: a modified download against a legacy signature', async () => {
    dist.server.fault(`/${NAME}`, { corrupt: true });
    try {
      await refused('install.signature_invalid', { checksum_url: serve('legacy/x.minisig', signed.legacy), checksum_public_key: signed.publicKey });
    } finally {
      dist.server.clearFaults();
    }
  });

  it('minisign: a signature made with another key', async () => {
    const error = await refused('install.signature_invalid', { checksum_url: serve('other/x.minisig', signed.otherKey), checksum_public_key: signed.publicKey });
    assert.match(error.message, /key/);
  });

  it('minisign: an edited trusted comment (global signature no longer matches)', async () => {
    const edited = signed.prehashed.replace('trusted comment: release 1.0.0', 'trusted comment: release 9.9.9');
    assert.notEqual(edited, signed.prehashed);
    const error = await refused('install.signature_invalid', { checksum_url: serve('trusted/x.minisig', edited), checksum_public_key: signed.publicKey });
    assert.match(error.message, /trusted comment/);
  });

  it('minisign: no public key', async () => {
    await refused('install.missing_public_key', { checksum_url: serve('nokey/x.minisig', signed.prehashed) });
  });

  it('minisign: a garbled signature file', async () => {
    await refused('install.signature_invalid', { checksum_url: serve('garbled/x.minisig', 'untrusted comment: x\nnot base64 at all\n'), checksum_public_key: signed.publicKey });
  });

  it("the plugin's verify_checksum says no", async () => {
    const error = await refused('install.checksum_mismatch', { checksum_url: dist.url('SHASUMS256.txt') }, { verifyChecksum: async () => ({ verified: false }) });
    assert.match(error.message, new RegExp(sha256));
  });
});

describe('interop with the minisign installed here', skipWithout('minisign'), () => {
  it('verifies a key and a signature made now (prehashed, then legacy)', async () => {
    const key = generateMinisignKey(dist.dir, 'fresh');
    const prehashed = signFile(key, join(dist.distDir, NAME), join(dist.dir, 'fresh.minisig'), { trustedComment: `made ${Date.now()}` });
    await install({ checksum_url: serve(`fresh/${NAME}.minisig`, prehashed), checksum_public_key: key.publicKey });
    const legacy = signFile(key, join(dist.distDir, NAME), join(dist.dir, 'fresh-legacy.minisig'), { legacy: true });
    await install({ checksum_url: serve(`fresh-legacy/${NAME}.minisig`, legacy), checksum_public_key: key.publicKey });
    await refused('install.signature_invalid', { checksum_url: serve(`fresh-other/${NAME}.minisig`, prehashed), checksum_public_key: signed.publicKey });
  });
});
