/**
 * proto's `Checksum` string (plugin-api §4): `sha256:<hex>`, `sha512:<hex>`, `minisign:<base64 key>`,
 * or a bare 64-hex (sha256) / 128-hex (sha512) string. Plugins send these, so parsing is strict:
 * anything else is an error naming the plugin's value.
 */
import { ProtoError } from '../errors.js';

export type ShaAlgorithm = 'sha256' | 'sha512';
export type ChecksumAlgorithm = ShaAlgorithm | 'minisign';

export type Checksum =
  | { algorithm: ShaAlgorithm; hash: string }
  | { algorithm: 'minisign'; key: string };

const HEX_LENGTH: Record<ShaAlgorithm, number> = { sha256: 64, sha512: 128 };

export function parseChecksum(value: string): Checksum {
  const text = value.trim();
  const colon = text.indexOf(':');
  if (colon === -1) {
    const algorithm = shaAlgorithmForHex(text);
    if (algorithm) return { algorithm, hash: text.toLowerCase() };
    throw invalid(value, 'expected <algorithm>:<value> or a bare sha256/sha512 hex hash');
  }
  const tag = text.slice(0, colon).toLowerCase();
  const rest = text.slice(colon + 1).trim();
  if (tag === 'sha256' || tag === 'sha512') {
    if (rest.length !== HEX_LENGTH[tag] || !/^[0-9a-f]+$/i.test(rest)) {
      throw invalid(value, `a ${tag} hash is ${HEX_LENGTH[tag]} hex characters`);
    }
    return { algorithm: tag, hash: rest.toLowerCase() };
  }
  if (tag === 'minisign') {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(rest)) throw invalid(value, 'a minisign public key is base64');
    return { algorithm: 'minisign', key: rest };
  }
  throw invalid(value, `unknown algorithm "${tag}" (expected sha256, sha512 or minisign)`);
}

export function formatChecksum(checksum: Checksum): string {
  return checksum.algorithm === 'minisign' ? `minisign:${checksum.key}` : `${checksum.algorithm}:${checksum.hash}`;
}

/** The sha algorithm a bare hex hash belongs to, by length. */
export function shaAlgorithmForHex(text: string): ShaAlgorithm | undefined {
  if (!/^[0-9a-f]+$/i.test(text)) return undefined;
  if (text.length === 64) return 'sha256';
  if (text.length === 128) return 'sha512';
  return undefined;
}

function invalid(value: string, why: string): ProtoError {
  return new ProtoError('install.invalid_checksum', `Invalid checksum "${value}": ${why}.`);
}
