/**
 * Opens a Session for one command and always closes it: plugins run in worker threads, and a
 * session left open keeps the process alive after the command is done.
 */
import { Session, type SessionOptions } from '../../session.js';

export async function withSession<T>(options: SessionOptions, work: (session: Session) => Promise<T>): Promise<T> {
  const session = await Session.open(options);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}
