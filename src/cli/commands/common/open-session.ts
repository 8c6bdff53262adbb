/**
 * Opens a Session for one command and always closes it: plugins run in worker threads, and a
 * session left open keeps the process alive after the command is done.
 *
 * Imported statically: nearly every command opens a session, and one module graph loaded at
 * start-up (the launcher loads it synchronously where Node can) costs less than a second one
 * loaded later. What the session does not always need (the plugin host, TOML editing, the
 * install pipeline) is loaded on first use by the modules that need it.
 */
import { Session, type SessionOptions } from '../../session.js';

export async function openSession<T>(options: SessionOptions, work: (session: Session) => Promise<T>): Promise<T> {
  const session = await Session.open(options);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}
