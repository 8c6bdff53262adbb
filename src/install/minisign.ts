/**
 * minisign signature verification with node:crypto (no npm package exists).
 *
 * Public key: base64 of `"Ed"` + key id (8 bytes) + Ed25519 public key (32 bytes); the `.pub`
 * file form (with its `untrusted comment:` line) is accepted too.
 * Signature file, four lines:
 *   `untrusted comment: …` (not signed, ignored)
 *   base64 of algorithm (`Ed` = legacy, signs the file bytes; `ED` = prehashed, signs the
 *   BLAKE2b-512 of the file) + key id + 64-byte signature
 *   `trusted comment: …`
 *   base64 of the 64-byte global signature over (signature ‖ trusted comment text)
 * The file is parsed by line position: `"trusted comment: "` is a substring of
 * `"untrusted comment: "`, so searching for it would read the untrusted line as trusted.
 *
 * Trust: the key comes from the plugin (or the user's config); the signature file and the
 * download come from the network and are only believed once both signatures verify.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { ProtoError } from '../errors.js';

export interface MinisignPublicKey {
  keyId: Buffer;
  key: KeyObject;
}

export interface MinisignSignature {
  prehashed: boolean;
  keyId: Buffer;
  signature: Buffer;
  trustedComment: string;
  globalSignature: Buffer;
}

export function parseMinisignPublicKey(text: string): MinisignPublicKey {
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('untrusted comment:'))
    .at(-1);
  const bytes = line ? Buffer.from(line, 'base64') : Buffer.alloc(0);
  if (bytes.length !== 42 || bytes.subarray(0, 2).toString('latin1') !== 'Ed') {
    throw new ProtoError('install.invalid_public_key', 'The minisign public key is not a valid Ed25519 minisign key.', {
      hint: 'Expected the base64 key printed by `minisign -G` (it starts with "RW").',
    });
  }
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: bytes.subarray(10).toString('base64url') },
    format: 'jwk',
  });
  return { keyId: bytes.subarray(2, 10), key };
}

export function parseMinisignSignature(text: string, fileName = 'signature'): MinisignSignature {
  const lines = text.split(/\r?\n/);
  const malformed = (why: string) =>
    new ProtoError('install.signature_invalid', `${fileName} is not a valid minisign signature: ${why}.`);
  if (!lines[0]?.startsWith('untrusted comment:')) throw malformed('line 1 must be the untrusted comment');
  const signatureBytes = Buffer.from((lines[1] ?? '').trim(), 'base64');
  if (signatureBytes.length !== 74) throw malformed('line 2 must hold the base64 signature');
  const algorithm = signatureBytes.subarray(0, 2).toString('latin1');
  if (algorithm !== 'Ed' && algorithm !== 'ED') throw malformed(`unknown signature algorithm "${algorithm}"`);
  const trustedPrefix = 'trusted comment: ';
  const trustedLine = lines[2] ?? '';
  if (!trustedLine.startsWith(trustedPrefix)) throw malformed('line 3 must be the trusted comment');
  const globalSignature = Buffer.from((lines[3] ?? '').trim(), 'base64');
  if (globalSignature.length !== 64) throw malformed('line 4 must hold the base64 global signature');
  return {
    prehashed: algorithm === 'ED',
    keyId: signatureBytes.subarray(2, 10),
    signature: signatureBytes.subarray(10),
    trustedComment: trustedLine.slice(trustedPrefix.length),
    globalSignature,
  };
}

export interface VerifyMinisignInput {
  publicKey: string;
  signatureText: string;
  /** Names in error messages. */
  fileName: string;
  signatureName: string;
  /** BLAKE2b-512 of the file (computed while downloading), for prehashed signatures. */
  blake2b512?: Buffer;
  /** The whole file, read only for legacy signatures (or when no prehash was computed). */
  readFile: () => Promise<Buffer>;
  /** Computes BLAKE2b-512 when it was not computed while downloading. */
  hashFile: () => Promise<Buffer>;
}

/** Verifies both signatures; returns the trusted comment. Throws `install.signature_invalid`. */
export async function verifyMinisign(input: VerifyMinisignInput): Promise<{ trustedComment: string }> {
  const key = parseMinisignPublicKey(input.publicKey);
  const signature = parseMinisignSignature(input.signatureText, input.signatureName);
  if (!signature.keyId.equals(key.keyId)) {
    throw new ProtoError(
      'install.signature_invalid',
      `${input.signatureName} was made with key ${formatKeyId(signature.keyId)}, not with the expected key ${formatKeyId(key.keyId)}.`,
      { hint: 'The download or its signature may have been replaced; do not use it.' },
    );
  }
  const message = signature.prehashed ? (input.blake2b512 ?? (await input.hashFile())) : await input.readFile();
  if (!verify(null, message, key.key, signature.signature)) {
    throw new ProtoError(
      'install.signature_invalid',
      `The minisign signature ${input.signatureName} does not match ${input.fileName} (key ${formatKeyId(key.keyId)}).`,
      { hint: 'The download was modified or corrupted; it was not installed.' },
    );
  }
  const signedComment = Buffer.concat([signature.signature, Buffer.from(signature.trustedComment, 'utf8')]);
  if (!verify(null, signedComment, key.key, signature.globalSignature)) {
    throw new ProtoError(
      'install.signature_invalid',
      `The trusted comment of ${input.signatureName} was altered (global signature mismatch).`,
      { hint: 'The signature file was tampered with; the download was not installed.' },
    );
  }
  return { trustedComment: signature.trustedComment };
}

/** Key ids print as uppercase hex of the little-endian 64-bit number, as minisign does. */
function formatKeyId(keyId: Buffer): string {
  return Buffer.from(keyId).reverse().toString('hex').toUpperCase();
}
