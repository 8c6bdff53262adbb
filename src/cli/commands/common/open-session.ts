/**
 * `withSession` loaded on demand: a command module imports this instead of the session (config,
 * plugin host, store), so registering the command on the program costs nothing at start-up and
 * `proto --version` or a shim's slow path never pays for commands it does not run.
 */
import type { Session, SessionOptions } from '../../session.js';

export async function openSession<T>(options: SessionOptions, work: (session: Session) => Promise<T>): Promise<T> {
  const { withSession } = await import('./with-session.js');
  return withSession(options, work);
}
