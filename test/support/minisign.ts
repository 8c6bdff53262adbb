/** Real minisign keys and signatures made with Debian's `minisign` (password-less keys via -W). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './system-commands.js';

export interface MinisignKey {
  /** The base64 public key line (`RW…`), what plugins return as checksum_public_key. */
  publicKey: string;
  secretKeyFile: string;
}

export function generateMinisignKey(dir: string, name = 'key'): MinisignKey {
  const pub = join(dir, `${name}.pub`);
  const sec = join(dir, `${name}.key`);
  run('minisign', ['-G', '-W', '-p', pub, '-s', sec]);
  const publicKey = readFileSync(pub, 'utf8').split('\n')[1]!.trim();
  return { publicKey, secretKeyFile: sec };
}

/** Signs `file` into `signatureFile`; `legacy` makes an `Ed` (non-prehashed) signature. */
export function signFile(key: MinisignKey, file: string, signatureFile: string, options: { legacy?: boolean; trustedComment?: string } = {}): string {
  const args = ['-S', '-s', key.secretKeyFile, '-m', file, '-x', signatureFile];
  if (options.legacy) args.push('-l');
  if (options.trustedComment) args.push('-t', options.trustedComment);
  run('minisign', args);
  return readFileSync(signatureFile, 'utf8');
}
