/**
 * Offline mode (`PROTO_OFFLINE`) with nothing cached surfaces deep down, as a plugin's failed
 * `send_request`, whose message says what broke but not what to do. Commands that need the
 * version list wrap that step here, so the user reads the cause and the way out.
 */
import { isProtoError, ProtoError } from '../../../errors.js';
import { log } from '../../../log.js';
import type { Session } from '../../session.js';

/** Runs `work`; offline, a failure without a hint becomes `net.offline_no_cache` naming `what`. */
export async function explainOffline<T>(session: Session, what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    // An error with its own hint knows best, unless all it says is "offline" (the plugin's request was refused).
    if (!session.offline || (isProtoError(error) && error.hint && !saysOffline(error))) throw error;
    log('debug', 'offline', `${what}: ${(error as Error).message}`);
    throw new ProtoError('net.offline_no_cache', `Cannot ${what}: proto is offline and no version list is cached.`, {
      hint: 'Unset PROTO_OFFLINE and run this once with a network connection; the version list is then cached for offline use.',
      cause: error,
    });
  }
}

/** A refused request (`net.offline`), directly or as the cause of a plugin's failed host call. */
function saysOffline(error: unknown): boolean {
  return isProtoError(error, 'net.offline') || (error instanceof Error && isProtoError(error.cause, 'net.offline'));
}
