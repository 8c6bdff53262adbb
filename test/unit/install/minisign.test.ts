import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseMinisignPublicKey, parseMinisignSignature, verifyMinisign } from '../../../src/install/index.js';
import { generateMinisignKey, signFile, type MinisignKey } from '../../support/minisign.js';

const dir = mkdtempSync(join(tmpdir(), 'proto-minisign-'));
let key: MinisignKey;
const file = join(dir, 'payload.bin');
after(() => rmSync(dir, { recursive: true, force: true }));
before(() => {
  key = generateMinisignKey(dir);
  writeFileSync(file, 'payload bytes\n');
});

const verify = (signatureText: string, publicKey = key.publicKey, content = readFileSync(file)) =>
  verifyMinisign({
    publicKey,
    signatureText,
    fileName: 'payload.bin',
    signatureName: 'payload.bin.minisig',
    readFile: async () => content,
    hashFile: async () => createHash('blake2b512').update(content).digest(),
  });

describe('minisign', () => {
  it('verifies prehashed and legacy signatures made by minisign, returning the trusted comment', async () => {
    const prehashed = signFile(key, file, join(dir, 'a.minisig'), { trustedComment: 'hello world' });
    assert.equal(parseMinisignSignature(prehashed).prehashed, true);
    assert.deepEqual(await verify(prehashed), { trustedComment: 'hello world' });
    const legacy = signFile(key, file, join(dir, 'b.minisig'), { legacy: true });
    assert.equal(parseMinisignSignature(legacy).prehashed, false);
    await verify(legacy);
  });

  it('accepts the public key as the .pub file content', async () => {
    const signature = signFile(key, file, join(dir, 'c.minisig'));
    await verify(signature, readFileSync(join(dir, 'key.pub'), 'utf8'));
  });

  it('reads the trusted comment by line position, not by searching (the "untrusted comment" trap)', async () => {
    const signature = signFile(key, file, join(dir, 'd.minisig'), { trustedComment: 'real' });
    const lines = signature.split('\n');
    lines[0] = 'untrusted comment: trusted comment: fake';
    const parsed = parseMinisignSignature(lines.join('\n'));
    assert.equal(parsed.trustedComment, 'real');
    assert.deepEqual(await verify(lines.join('\n')), { trustedComment: 'real' });
  });

  it('rejects modified content, a modified trusted comment and a foreign key', async () => {
    const signature = signFile(key, file, join(dir, 'e.minisig'), { trustedComment: 'v1' });
    await assert.rejects(verify(signature, key.publicKey, Buffer.from('other bytes\n')), { code: 'install.signature_invalid' });
    await assert.rejects(verify(signature.replace('trusted comment: v1', 'trusted comment: v2')), /trusted comment/);
    const other = generateMinisignKey(dir, 'other');
    await assert.rejects(verify(signature, other.publicKey), /not with the expected key/);
  });

  it('rejects malformed keys and signatures', () => {
    assert.throws(() => parseMinisignPublicKey('nope'), { code: 'install.invalid_public_key' });
    assert.throws(() => parseMinisignSignature('trusted comment: x\nAAAA\n'), { code: 'install.signature_invalid' });
    assert.throws(() => parseMinisignSignature(''), { code: 'install.signature_invalid' });
  });
});
