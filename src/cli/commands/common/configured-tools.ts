/**
 * The tools the loaded `.prototools` files pin, each with the spec that applies here and where it
 * came from: `PROTO_<ID>_VERSION` first, then the closest file's pin (detection with pins only;
 * no plugin is loaded). What `status`, `outdated`, `activate` and `exec --tools-from-config` start from.
 */
import { detectVersion } from '../../../detect/index.js';
import type { Session } from '../../session.js';

/** proto's own version pin is not a tool this CLI manages. */
export const SELF_ID = 'proto';

export interface ConfiguredTool {
  id: string;
  /** Canonical spec (`~20`, `2.1.0`, `latest`). */
  spec: string;
  /** `env`, or the `.prototools` path that pins it. */
  source: string;
}

export async function configuredTools(session: Session): Promise<ConfiguredTool[]> {
  const ids = Object.keys(session.config.versions)
    .filter((id) => id !== SELF_ID)
    .sort();
  const tools = await Promise.all(
    ids.map(async (id): Promise<ConfiguredTool | undefined> => {
      const detected = await detectVersion({ toolId: id, env: session.env, configFiles: session.loaded.files, strategy: 'only-prototools' });
      return detected ? { id, spec: detected.spec, source: detected.source } : undefined;
    }),
  );
  return tools.filter((tool): tool is ConfiguredTool => tool !== undefined);
}
