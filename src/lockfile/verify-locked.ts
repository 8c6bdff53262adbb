/**
 * proto's `verify_locked_record`: what was just installed must be what the lockfile agreed on.
 * Used by the install pipeline (before anything is unpacked) and by `proto install` for versions
 * that were already installed. Pure.
 */
import { ProtoError } from '../errors.js';
import { formatChecksum, parseChecksum } from '../install/checksum.js';

/** The record an install must match, and the lockfile it comes from (for messages). */
export interface LockedChecksum {
  checksum?: string;
  lockfile: string;
}

/**
 * A record without a checksum (a native install, or one written by `proto outdated`) accepts
 * anything. An install without a checksum is accepted only when it has a source (a download,
 * which then had no checksum to verify against) — a native install that reports none while the
 * record has one is refused, as nothing else vouches for it.
 */
export function checkLockedChecksum(
  locked: LockedChecksum | undefined,
  actual: { checksum: string | undefined; source: string | undefined; id: string; version: string; hint?: string },
): void {
  if (!locked?.checksum) return;
  if (actual.checksum === undefined && actual.source !== undefined) return;
  if (actual.checksum !== undefined && sameChecksum(actual.checksum, locked.checksum)) return;
  throw new ProtoError(
    'lockfile.checksum_mismatch',
    `Checksum mismatch for ${actual.id} ${actual.version}${actual.source ? ` (${actual.source})` : ''}: received ${actual.checksum ?? '(none)'} but ${locked.lockfile} expects ${locked.checksum}.`,
    {
      hint:
        actual.hint ??
        'The artifact is not the one the lockfile agreed on (changed upstream, or tampered with); nothing was installed. If the change is legitimate, run `proto install --update-lockfile` and commit the lockfile.',
    },
  );
}

/** Same algorithm and value (hex case and spacing aside). */
export function sameChecksum(a: string, b: string): boolean {
  try {
    return formatChecksum(parseChecksum(a)) === formatChecksum(parseChecksum(b));
  } catch {
    return a.trim() === b.trim();
  }
}
