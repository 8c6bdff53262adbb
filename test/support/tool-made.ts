/**
 * Archives and signatures made once by the real tools and committed in fixtures/tool-made/
 * (regenerate with `node --import ./scripts/register-ts.mjs scripts/make-tool-fixtures.ts`), so
 * tests run on a machine without xz, bzip2, zstd, zip or minisign.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const TOOL_MADE_DIR = fileURLToPath(new URL('../../fixtures/tool-made/', import.meta.url));

/** Signatures of `demo-1.0.0.tar.gz`: prehashed (`ED`) and legacy (`Ed`) by `release`, one by `other`. */
export const TOOL_MADE_SIGNATURES = {
  prehashed: 'demo-1.0.0.tar.gz.minisig',
  legacy: 'demo-1.0.0.tar.gz.legacy.minisig',
  otherKey: 'demo-1.0.0.tar.gz.other-key.minisig',
} as const;

export const TRUSTED_COMMENTS = {
  prehashed: 'release 1.0.0',
  legacy: 'release 1.0.0 (legacy signature)',
  otherKey: 'signed with another key',
} as const;

/** Path of a committed fixture; fails loudly when it is missing. */
export function toolMade(name: string): string {
  const path = join(TOOL_MADE_DIR, name);
  if (!existsSync(path)) throw new Error(`fixtures/tool-made/${name} is missing: run scripts/make-tool-fixtures.ts`);
  return path;
}

export function readToolMade(name: string, encoding: 'utf8'): string;
export function readToolMade(name: string): Buffer;
export function readToolMade(name: string, encoding?: 'utf8'): string | Buffer {
  return encoding ? readFileSync(toolMade(name), encoding) : readFileSync(toolMade(name));
}

export interface SignedRelease {
  /** The signed file (`demo-1.0.0.tar.gz`). */
  file: string;
  /** The `RW…` public key line of the signing key, and of another key. */
  publicKey: string;
  otherPublicKey: string;
  /** The `.pub` file content of the signing key. */
  publicKeyFile: string;
  /** Signature file contents. */
  prehashed: string;
  legacy: string;
  otherKey: string;
}

const keyLine = (pubFile: string) => pubFile.split('\n')[1]!.trim();

export function signedRelease(): SignedRelease {
  const publicKeyFile = readToolMade('release.pub', 'utf8');
  return {
    file: toolMade('demo-1.0.0.tar.gz'),
    publicKey: keyLine(publicKeyFile),
    otherPublicKey: keyLine(readToolMade('other.pub', 'utf8')),
    publicKeyFile,
    prehashed: readToolMade(TOOL_MADE_SIGNATURES.prehashed, 'utf8'),
    legacy: readToolMade(TOOL_MADE_SIGNATURES.legacy, 'utf8'),
    otherKey: readToolMade(TOOL_MADE_SIGNATURES.otherKey, 'utf8'),
  };
}
