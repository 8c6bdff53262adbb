/**
 * What the `proto plugin` commands share: the configured indexes as the session sees them, the
 * install context (trust prompt on stdin/stderr unless `-y`, the one-time load of a new module), and the
 * names of proto's own commands, which no plugin may take.
 */
import type { Command } from 'commander';
import { log } from '../../../log.js';
import {
  configuredIndexSources,
  loadIndexes,
  isYes,
  PromptReader,
  type IndexContext,
  type LoadedListing,
  type IndexFailure,
  type PluginInstallContext,
  type PluginManifest,
} from '../../../plugins/index.js';
import { detectHost, PluginContainer, type PluginLimits } from '../../../host/index.js';
import { Tool } from '../../../tool/tool.js';
import { globalFlags } from '../../global-flags.js';
import { writeNote } from '../../output/write.js';
import { packageVersion } from '../../package-version.js';
import type { Session } from '../../session.js';

export function indexContext(session: Session, options: { refresh?: boolean } = {}): IndexContext & { cwd: string } {
  return { store: session.store, settings: session.settings, env: session.env, cwd: session.cwd, ...(options.refresh ? { refresh: true } : {}) };
}

/** Every configured index; unreachable ones are reported on stderr and skipped. */
export async function loadConfiguredIndexes(session: Session, options: { refresh?: boolean } = {}): Promise<{ listings: LoadedListing[]; failures: IndexFailure[] }> {
  const sources = configuredIndexSources(session.config.settings.pluginIndex, session.env, session.cwd);
  const loaded = await loadIndexes(sources, indexContext(session, options));
  // With nothing else to show, the caller reports the error itself (with its hint).
  if (loaded.listings.length > 0) for (const failure of loaded.failures) writeNote(`warning: ${failure.error.message}`);
  return loaded;
}

/** The names (and aliases) of proto's commands, from the commander program itself. */
export function reservedCommandNames(command: Command): Set<string> {
  let root = command;
  while (root.parent) root = root.parent;
  // visibleCommands adds commander's own `help` command to the registered ones.
  const commands = new Set([...root.commands, ...root.createHelp().visibleCommands(root)]);
  return new Set([...commands].flatMap((sub) => [sub.name(), ...sub.aliases()]));
}

export interface InstallFlags {
  overrideCompatibilityCheck?: boolean;
}

/**
 * The install context of one command. `prompts` reads answers from stdin (one line per prompt);
 * the caller closes it when done.
 */
export function installContext(session: Session, command: Command, flags: InstallFlags, prompts: PromptReader): PluginInstallContext {
  // One value for the scan's compile and the checking load: the load finds the scan's module by it.
  const limits = session.pluginLimits();
  return {
    store: session.store,
    settings: session.settings,
    hostVersion: packageVersion(),
    platform: detectHost(),
    reservedNames: reservedCommandNames(command),
    // `-y` is a global flag: it answers every prompt.
    yes: globalFlags().yes,
    overrideCompatibility: flags.overrideCompatibilityCheck === true,
    confirm: async (prompt) => isYes(await prompts.ask(prompt)),
    limits,
    verifyModule: (wasm, manifest) => loadOnce(session, wasm, manifest, limits),
    warn: (message) => log('warn', 'plugin', message),
  };
}

export function stdinPrompts(): PromptReader {
  return new PromptReader(process.stdin, process.stderr);
}

/** Loads a staged module or schema the way `proto` will (a tool plugin answers `register_tool`), then unloads it. */
async function loadOnce(session: Session, wasm: string, manifest: PluginManifest, limits: PluginLimits): Promise<void> {
  const id = manifest.kind === 'hook' ? manifest.name : (manifest.tools[0] ?? manifest.name);
  // Loaded as it will run: with the manifest's permissions and bound (and the user's additions).
  const policy = session.pluginPolicy(id, manifest);
  const common = { id, wasm, env: session.env, timeoutMs: policy.timeoutMs, limits, ...(policy.permissions ? { permissions: policy.permissions } : {}) };
  if (manifest.kind === 'tool') {
    const toolConfig = session.config.tools[id]?.toolConfig;
    // A check of a staged file, not a use of it: nothing to remember about it.
    const tool = await Tool.load({ ...common, store: session.store, home: session.home, cwd: session.cwd, settings: session.settings, cacheMetadata: false, ...(toolConfig ? { toolConfig } : {}) });
    await tool.close();
    return;
  }
  const plugin = await PluginContainer.load({
    ...common,
    dirs: { protoHome: session.store.root, temp: session.store.tempDir, home: session.home, cwd: session.cwd },
  });
  await plugin.close();
}
