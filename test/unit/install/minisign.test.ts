import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseMinisignPublicKey, parseMinisignSignature, verifyMinisign } from '../../../src/install/index.js';
import { generateMinisignKey, signFile, type MinisignKey } from '../../support/minisign.js';
import { skipWithout } from '../../support/system-commands.js';
import { signedRelease, TRUSTED_COMMENTS } from '../../support/tool-made.js';

/** Keys and signatures of a release archive, made by minisign and committed (fixtures/tool-made/). */
const signed = signedRelease();
const signedBytes = readFileSync(signed.file);

const verify = (signatureText: string, publicKey = signed.publicKey, content: Buffer = signedBytes) =>
  verifyMinisign({
    publicKey,
    signatureText,
    fileName: 'demo-1.0.0.tar.gz',
    signatureName: 'demo-1.0.0.tar.gz.minisig',
    readFile: async () => content,
    hashFile: async () => createHash('blake2b512').update(content).digest(),
  });

describe('minisign', () => {
  it('verifies prehashed and legacy signatures made by minisign, returning the trusted comment', async () => {
    assert.equal(parseMinisignSignature(signed.prehashed).prehashed, true);
    assert.deepEqual(await verify(signed.prehashed), { trustedComment: TRUSTED_COMMENTS.prehashed });
    assert.equal(parseMinisignSignature(signed.legacy).prehashed, false);
    assert.deepEqual(await verify(signed.legacy), { trustedComment: TRUSTED_COMMENTS.legacy });
  });

  it('accepts the public key as the .pub file content', async () => {
    await verify(signed.prehashed, signed.publicKeyFile);
  });

  it('reads the trusted comment by line position, not by searching (the "untrusted comment" trap)', async () => {
    const lines = signed.prehashed.split('\n');
    lines[0] = 'untrusted comment: trusted comment: fake';
    const parsed = parseMinisignSignature(lines.join('\n'));
    assert.equal(parsed.trustedComment, TRUSTED_COMMENTS.prehashed);
    assert.deepEqual(await verify(lines.join('\n')), { trustedComment: TRUSTED_COMMENTS.prehashed });
  });

  it('rejects modified content, a modified trusted comment and a foreign key', async () => {
    await assert.rejects(verify(signed.prehashed, signed.publicKey, Buffer.from('other bytes\n')), { code: 'install.signature_invalid' });
    await assert.rejects(verify(signed.legacy, signed.publicKey, Buffer.from('other bytes\n')), { code: 'install.signature_invalid' });
    const edited = signed.prehashed.replace(`trusted comment: ${TRUSTED_COMMENTS.prehashed}`, 'trusted comment: v2');
    assert.notEqual(edited, signed.prehashed);
    await assert.rejects(verify(edited), /trusted comment/);
    await assert.rejects(verify(signed.prehashed, signed.otherPublicKey), /not with the expected key/);
    await assert.rejects(verify(signed.otherKey), /not with the expected key/);
    assert.deepEqual(await verify(signed.otherKey, signed.otherPublicKey), { trustedComment: TRUSTED_COMMENTS.otherKey });
  });

  it('rejects malformed keys and signatures', () => {
    assert.throws(() => parseMinisignPublicKey('nope'), { code: 'install.invalid_public_key' });
    assert.throws(() => parseMinisignSignature('trusted comment: x\nAAAA\n'), { code: 'install.signature_invalid' });
    assert.throws(() => parseMinisignSignature(''), { code: 'install.signature_invalid' });
  });
});

describe('minisign: keys and signatures made now by the installed minisign', skipWithout('minisign'), () => {
  let dir: string | undefined;
  let key: MinisignKey;
  const file = () => join(dir!, 'payload.bin');
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'proto-minisign-'));
    key = generateMinisignKey(dir);
    writeFileSync(file(), 'payload bytes\n');
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('verifies both signature kinds and rejects them for other content', async () => {
    const content = readFileSync(file());
    const prehashed = signFile(key, file(), join(dir!, 'a.minisig'), { trustedComment: 'hello world' });
    assert.deepEqual(await verify(prehashed, key.publicKey, content), { trustedComment: 'hello world' });
    const legacy = signFile(key, file(), join(dir!, 'b.minisig'), { legacy: true });
    await verify(legacy, key.publicKey, content);
    await assert.rejects(verify(prehashed, key.publicKey, Buffer.from('other')), { code: 'install.signature_invalid' });
    await assert.rejects(verify(prehashed, signed.publicKey, content), /not with the expected key/);
  });
});
