/**
 * Which versions of a tool are installed, and where: every command reads them through the tool's
 * `Inventory` — the one its loaded plugin asked for with register_tool `inventory_options`
 * (`override_dir`, `override_dir_name`, `version_suffix`), which install, run and uninstall use.
 *
 * Resolving a spec against what is INSTALLED needs no network: `uninstall`, `list`, `bin`,
 * `status`, `exec` and `activate` must not fail on an offline machine for no reason. Aliases still
 * work through the cached version list (any age), if there is one, and `[tools.<id>.aliases]`.
 */
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { log } from '../../../log.js';
import type { Inventory } from '../../../store/index.js';
import type { Tool } from '../../../tool/tool.js';
import { resolveVersion, sortVersionStrings } from '../../../version/index.js';
import type { Session } from '../../session.js';

/** A tool id with the inventory that holds its records and versions. */
export interface ToolInventory {
  id: string;
  inventory: Inventory;
  /** The loaded tool; undefined when its plugin cannot be loaded here (default layout assumed). */
  tool?: Tool;
}

/**
 * The inventory of a tool: its loaded Tool's (so the plugin metadata that `session.tool` reads,
 * no call of our own). When the plugin cannot be loaded here — the id has no plugin in this
 * project, or the plugin is broken — the default layout `tools/<id>` is all there is to go by.
 */
export async function toolInventory(session: Session, id: string): Promise<ToolInventory> {
  try {
    const tool = await session.tool(id);
    return { id, inventory: tool.inventory, tool };
  } catch (error) {
    log('debug', 'inventory', `${id}: no plugin loaded here (${(error as Error).message}); reading the default layout`);
    return { id, inventory: session.store.inventory(id) };
  }
}

/**
 * Every tool with records in the store. Inventory dirs are named by the plugin
 * (`override_dir_name`), not always by the tool id, so the tools whose plugin is known here
 * (configured, or installed from an index) are asked where theirs is; each other dir under
 * `tools/` is a tool of that name in the default layout (its plugin is configured elsewhere).
 * A dir named after a known tool that the tool does not use (an older plugin's) is left out.
 */
export async function inventoriesInStore(session: Session): Promise<ToolInventory[]> {
  // Synchronous: one small directory on the path of cold commands (`list`), where node:fs/promises
  // and a trip through libuv's thread pool cost more than the read. Names, then an lstat each:
  // `withFileTypes` would compile Node's Dirent code on every `list` for the same answer.
  const { toolsDir } = session.store;
  let dirs: string[];
  try {
    dirs = readdirSync(toolsDir).filter((name) => !name.startsWith('.') && lstatSync(join(toolsDir, name), { throwIfNoEntry: false })?.isDirectory());
  } catch {
    dirs = [];
  }
  const ids = [...new Set([...knownToolIds(session), ...dirs])].sort();
  const candidates = await Promise.all(ids.map((id) => toolInventory(session, id)));
  const claimed = new Set(candidates.filter((candidate) => candidate.tool).map((candidate) => candidate.inventory.dir));
  return candidates.filter((candidate) =>
    candidate.tool ? existsSync(candidate.inventory.dir) : dirs.includes(candidate.id) && !claimed.has(candidate.inventory.dir),
  );
}

/** Ids with a plugin given here: `[plugins]`, `[tools.<id>] plugin`, and plugins installed from an index. */
function knownToolIds(session: Session): string[] {
  const { config } = session;
  return [
    ...Object.keys(config.plugins),
    ...Object.entries(config.tools).filter(([, settings]) => settings.plugin !== undefined).map(([id]) => id),
    ...session.installedPlugins.flatMap((plugin) => (plugin.kind === 'tool' ? plugin.tools : [])),
  ];
}

/** Installed versions of a tool, newest first, from the manifest of its inventory. */
export async function installedNewestFirst(inventory: Inventory): Promise<string[]> {
  const manifest = await inventory.readManifest();
  return sortVersionStrings(manifest.installed_versions, 'descending');
}

/** The installed version `spec` stands for, or undefined when none matches. */
export async function resolveInstalled(
  session: Session,
  id: string,
  spec: string,
  installed: readonly string[],
  inventory: Inventory,
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
