/**
 * Reading checksum files (spec §6.5 step 2), pure: which algorithm a checksum file uses, and
 * whether it vouches for a download's hash.
 *
 * Detection order: extension (`.minisig`/`.minisign`, `.sha256`/`.sha256sum`,
 * `.sha512`/`.sha512sum`), then name (`SHASUMS256.txt`/`SHASUMS512.txt`, any case), then
 * content (PowerShell `Get-FileHash` `Algorithm : SHA256|SHA512`, or the first line that starts
 * with a 64/128-hex hash).
 *
 * Matching (sha): any non-empty line whose first whitespace-separated token equals the hash
 * (case-insensitive) and which has no second token or ends with the download's file name
 * (`<hash>`, `<hash>  <file>`, `<hash> *<file>`); or a `Hash : <hex>` line (Get-FileHash).
 */
import { ProtoError } from '../errors.js';
import { shaAlgorithmForHex, type ChecksumAlgorithm, type ShaAlgorithm } from './checksum.js';

export function detectChecksumAlgorithm(fileName: string, content: string): ChecksumAlgorithm {
  const named = checksumAlgorithmByName(fileName);
  if (named) return named;
  for (const line of lines(content)) {
    const powershell = /^Algorithm\s*:\s*(\S+)\s*$/i.exec(line);
    if (powershell) {
      const value = powershell[1]!.toLowerCase();
      if (value === 'sha256' || value === 'sha512') return value;
      throw new ProtoError('install.unknown_checksum_algorithm', `${fileName} uses the unsupported algorithm ${powershell[1]}.`, {
        hint: 'Only SHA256 and SHA512 checksum files are supported.',
      });
    }
  }
  for (const line of lines(content)) {
    const algorithm = shaAlgorithmForHex(line.split(/\s+/)[0] ?? '');
    if (algorithm) return algorithm;
  }
  throw new ProtoError('install.unknown_checksum_algorithm', `Cannot tell which checksum algorithm ${fileName} uses.`, {
    hint: 'Expected a .sha256/.sha512/.minisig file, SHASUMS256.txt/SHASUMS512.txt, or lines of "<hex hash>  <file name>".',
  });
}

/**
 * The algorithm a checksum file's name alone decides (its extension, or SHASUMS256.txt/SHASUMS512.txt),
 * else undefined: the content must tell. detectChecksumAlgorithm checks this first, so what the name
 * says here is what it will say once the content is there (the install fetches such a file while
 * the download already computes that digest).
 */
export function checksumAlgorithmByName(fileName: string): ChecksumAlgorithm | undefined {
  const name = fileName.toLowerCase();
  if (name.endsWith('.minisig') || name.endsWith('.minisign')) return 'minisign';
  if (name.endsWith('.sha256') || name.endsWith('.sha256sum')) return 'sha256';
  if (name.endsWith('.sha512') || name.endsWith('.sha512sum')) return 'sha512';
  if (name === 'shasums256.txt') return 'sha256';
  if (name === 'shasums512.txt') return 'sha512';
  return undefined;
}

/** True when the checksum file content vouches for `hash` of the file named `downloadName`. */
export function checksumFileMatches(content: string, hash: string, downloadName: string): boolean {
  const wanted = hash.toLowerCase();
  for (const line of lines(content)) {
    const tokens = line.split(/\s+/);
    if (tokens[0]!.toLowerCase() === wanted && (tokens.length === 1 || line.endsWith(downloadName))) return true;
    const powershell = /^Hash\s*:\s*(\S+)\s*$/i.exec(line);
    if (powershell && powershell[1]!.toLowerCase() === wanted) return true;
  }
  return false;
}

/**
 * The hash a checksum file claims for `downloadName`, for error messages only: the line naming
 * the file, else a bare hash or `Hash :` line, else undefined (the file has no entry for it).
 */
export function expectedHashFor(content: string, downloadName: string, algorithm: ShaAlgorithm): string | undefined {
  let fallback: string | undefined;
  for (const line of lines(content)) {
    const tokens = line.split(/\s+/);
    const first = tokens[0]!;
    if (shaAlgorithmForHex(first) === algorithm) {
      if (tokens.length > 1 && line.endsWith(downloadName)) return first.toLowerCase();
      if (tokens.length === 1) fallback ??= first.toLowerCase();
    }
    const powershell = /^Hash\s*:\s*(\S+)\s*$/i.exec(line);
    if (powershell) fallback ??= powershell[1]!.toLowerCase();
  }
  return fallback;
}

function lines(content: string): string[] {
  return content
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
