/**
 * Resolving a spec against what is INSTALLED, without the network: for `uninstall`, `list` and
 * `bin`, where asking the plugin for a fresh version list would make an offline machine fail
 * for no reason. Aliases still work through the cached version list (any age), if there is one,
 * and through `[tools.<id>.aliases]`.
 */
import { resolveVersion, sortVersionStrings } from '../../../version/index.js';
import type { Inventory } from '../../../store/index.js';
import type { Session } from '../../session.js';

/**
 * Installed versions of a tool, newest first, from its manifest.json. `inventory` is where a
 * loaded plugin keeps it (register_tool inventory_options); without it, the default layout.
 */
export async function installedNewestFirst(session: Session, id: string, inventory: Inventory = session.store.inventory(id)): Promise<string[]> {
  const manifest = await inventory.readManifest();
  return sortVersionStrings(manifest.installed_versions, 'descending');
}

/** The installed version `spec` stands for, or undefined when none matches. */
export async function resolveInstalled(
  session: Session,
  id: string,
  spec: string,
  installed: readonly string[],
  inventory: Inventory = session.store.inventory(id),
): Promise<string | undefined> {
  const cached = await inventory.readRemoteVersions({ ignoreAge: true });
  try {
    const version = resolveVersion({
      spec,
      installed,
      // Only the aliases of the cached list: a version that is merely listed remotely must not count.
      remote: cached ? { aliases: cached.aliases, ...(cached.latest ? { latest: cached.latest } : {}) } : undefined,
      userAliases: session.config.tools[id]?.aliases,
      toolId: id,
    });
    return installed.includes(version) ? version : undefined;
  } catch {
    return undefined;
  }
}
