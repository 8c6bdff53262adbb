import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checksumFileMatches, detectChecksumAlgorithm, parseChecksum } from '../../../src/install/index.js';
import { checksumAlgorithmByName, expectedHashFor } from '../../../src/install/checksum-file.js';

const H256 = 'ab'.repeat(32);
const H512 = 'cd'.repeat(64);

describe('parseChecksum', () => {
  it('reads tagged and bare checksums', () => {
    assert.deepEqual(parseChecksum(`sha256:${H256}`), { algorithm: 'sha256', hash: H256 });
    assert.deepEqual(parseChecksum(`SHA512:${H512.toUpperCase()}`), { algorithm: 'sha512', hash: H512 });
    assert.deepEqual(parseChecksum(H256), { algorithm: 'sha256', hash: H256 });
    assert.deepEqual(parseChecksum(H512), { algorithm: 'sha512', hash: H512 });
    assert.deepEqual(parseChecksum('minisign:RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3'), {
      algorithm: 'minisign',
      key: 'RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3',
    });
  });

  it('refuses anything else', () => {
    for (const bad of ['md5:abc', `sha256:${H512}`, 'sha256:xyz', 'abc', '', 'minisign:not base64!']) {
      assert.throws(() => parseChecksum(bad), { code: 'install.invalid_checksum' }, bad);
    }
  });
});

describe('detectChecksumAlgorithm', () => {
  it('by extension, then by SHASUMS name, then by content', () => {
    assert.equal(detectChecksumAlgorithm('x.tar.gz.minisig', ''), 'minisign');
    assert.equal(detectChecksumAlgorithm('x.minisign', ''), 'minisign');
    assert.equal(detectChecksumAlgorithm('x.sha256', H512), 'sha256', 'the extension wins over content');
    assert.equal(detectChecksumAlgorithm('x.SHA256SUM', ''), 'sha256');
    assert.equal(detectChecksumAlgorithm('x.sha512', ''), 'sha512');
    assert.equal(detectChecksumAlgorithm('x.sha512sum', ''), 'sha512');
    assert.equal(detectChecksumAlgorithm('shasums256.TXT', ''), 'sha256');
    assert.equal(detectChecksumAlgorithm('SHASUMS512.txt', ''), 'sha512');
    assert.equal(detectChecksumAlgorithm('checksums.txt', `\n${H512}  a.zip\n`), 'sha512');
    assert.equal(detectChecksumAlgorithm('hash.txt', `Algorithm : SHA256\nHash : ${H256}`), 'sha256');
  });

  it('what the name alone decides (the install fetches such a file during the download) is what the content cannot change', () => {
    const named = { 'x.tar.gz.minisig': 'minisign', 'x.sha256sum': 'sha256', 'x.SHA512': 'sha512', 'SHASUMS256.txt': 'sha256', 'shasums512.TXT': 'sha512' } as const;
    for (const [name, algorithm] of Object.entries(named)) {
      assert.equal(checksumAlgorithmByName(name), algorithm, name);
      for (const content of ['', `${H256}  x`, `${H512}  x`, 'Algorithm : SHA1']) assert.equal(detectChecksumAlgorithm(name, content), algorithm, `${name}: ${content}`);
    }
    for (const name of ['checksums.txt', 'x.sha256.txt', 'SHASUMS.txt', 'hash.txt']) assert.equal(checksumAlgorithmByName(name), undefined, name);
  });

  it('refuses what it cannot tell', () => {
    assert.throws(() => detectChecksumAlgorithm('sums.txt', 'd41d8cd98f00b204e9800998ecf8427e  x'), { code: 'install.unknown_checksum_algorithm' });
    assert.throws(() => detectChecksumAlgorithm('hash.txt', 'Algorithm : SHA1\nHash : x'), { code: 'install.unknown_checksum_algorithm' });
    assert.throws(() => detectChecksumAlgorithm('empty.txt', ''), { code: 'install.unknown_checksum_algorithm' });
  });
});

describe('checksumFileMatches', () => {
  const file = 'tool-1.0.0.tar.gz';
  it('accepts <hash>, <hash>  <file>, <hash> *<file>, any case, any line', () => {
    assert.equal(checksumFileMatches(`${H256}\n`, H256, file), true);
    assert.equal(checksumFileMatches(`${H256.toUpperCase()}  ${file}\n`, H256, file), true);
    assert.equal(checksumFileMatches(`${H512}  other\n${H256} *${file}\r\n`, H256, file), true);
    assert.equal(checksumFileMatches(`Algorithm : SHA256\nHash      : ${H256.toUpperCase()}\nPath : C:\\x\\${file}`, H256, file), true);
  });

  it('refuses another hash, or the right hash for another file', () => {
    assert.equal(checksumFileMatches(`${H256}  ${file}\n`, 'ef'.repeat(32), file), false);
    assert.equal(checksumFileMatches(`${H256}  other.tar.gz\n`, H256, file), false);
    assert.equal(checksumFileMatches('', H256, file), false);
    assert.equal(checksumFileMatches(`x${H256}  ${file}\n`, H256, file), false);
  });

  it('finds the expected hash for error messages', () => {
    assert.equal(expectedHashFor(`${H512}  other\n${H256}  ${file}\n`, file, 'sha256'), H256);
    assert.equal(expectedHashFor(`${H256}\n`, file, 'sha256'), H256);
    assert.equal(expectedHashFor(`${H256}  other\n`, file, 'sha256'), undefined);
  });
});
