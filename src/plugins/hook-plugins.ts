/**
 * Hook plugins (after Windmill's plugin manager): plugins with no tool of their own that the host
 * calls around every tool's actions. They come from `[plugins.hooks] <id> = "<locator>"` and from
 * plugins installed from an index with `kind = "hook"` (a configured id wins over an installed
 * one). Each may export `pre_install`, `post_install`, `pre_run`, `pre_uninstall`.
 *
 * Contract:
 * - For every tool, after the tool's own hook, each hook plugin that exports the function is
 *   called in id order with the tool's hook input plus `tool_id`.
 * - A failure of `pre_install`, `pre_run` or `pre_uninstall` vetoes the action (the caller has done
 *   nothing yet); the first veto stops the others. A hook plugin that cannot load, times out or
 *   is denied a host call vetoes too: a policy that cannot be asked is not a yes.
 * - A failing `post_install` comes after the fact: it is reported as a warning.
 * - Hook plugins run under their own permissions and bounds (`[tools.<id>]`,
 *   `[settings.plugin-timeouts]`), like any plugin; they are loaded on first use only.
 * - Which functions a hook plugin exports comes from the plugin metadata cache
 *   (`src/tool/plugin-metadata.ts`), as a tool plugin's does: a hook plugin that exports nothing
 *   a command asks for is not started at all (a `proto run` starts only hooks with `pre_run`).
 */
import type { PluginLocator } from '../config/config-types.js';
import { isProtoError, ProtoError } from '../errors.js';
// Modules, not the host barrel: the session builds this on every tool load; the plugin host
// (and the WASM runtime) load only when a hook plugin is.
import { PluginCallError, type ToolPlugin } from '../host/tool-plugin.js';
import { VETOING_HOOKS, type HookPluginFunction } from '../protocol/index.js';
import type { ToolHooks } from '../tool/tool-hooks.js';
import type { InstalledPlugin } from './installed-plugins.js';

/** A loaded hook plugin: its exports known, started on its first call (see plugin-metadata.ts). */
export type HookPlugin = ToolPlugin & {
  callRaw(fn: string, input: string): Promise<string>;
};

export interface HookPluginSource {
  id: string;
  /** Where it is configured, for hints: `[plugins.hooks] in <file>`, `installed from <index>`. */
  origin: string;
  /** How to get rid of it, for hints. */
  removal: string;
  /** What it is: a `[plugins.hooks]` locator, or an installed plugin (for `plugin list`). */
  from: { locator: PluginLocator } | { installed: InstalledPlugin };
  load(): Promise<HookPlugin>;
}

interface LoadedHook {
  source: HookPluginSource;
  plugin: HookPlugin;
}

/** A hook plugin stopped a tool action: it vetoed, or could not be loaded or asked. */
class HookRefusal extends ProtoError {
  constructor(
    readonly hookId: string,
    code: string,
    message: string,
    options: { hint?: string; cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'HookRefusal';
  }
}

const ACTIONS: Record<HookPluginFunction, string> = {
  pre_install: 'installing',
  post_install: 'installing',
  pre_run: 'running',
  pre_uninstall: 'uninstalling',
};

export class HookPlugins implements ToolHooks {
  private readonly sources: HookPluginSource[];
  private loading: Promise<LoadedHook[]> | undefined;

  constructor(
    sources: readonly HookPluginSource[],
    private readonly warn: (message: string) => void,
  ) {
    this.sources = [...sources].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The hook plugins, in the order they are called (what `plugin list` shows). */
  get inCallOrder(): readonly HookPluginSource[] {
    return this.sources;
  }

  async exports(fn: HookPluginFunction): Promise<boolean> {
    if (this.sources.length === 0) return false;
    return (await this.loaded()).some((hook) => hook.plugin.has(fn));
  }

  async call(fn: HookPluginFunction, toolId: string, version: string, input: (hook: ToolPlugin) => object): Promise<void> {
    if (this.sources.length === 0) return;
    const action = `${ACTIONS[fn]} ${toolId} ${version}`;
    for (const hook of await this.loaded()) {
      if (!hook.plugin.has(fn)) continue;
      try {
        await hook.plugin.callRaw(fn, JSON.stringify({ ...input(hook.plugin), tool_id: toolId }));
      } catch (error) {
        if (!VETOING_HOOKS.has(fn)) {
          this.warn(`Hook plugin "${hook.source.id}" failed after ${action} (${fn}): ${(error as Error).message}`);
          continue;
        }
        throw vetoed(hook.source, fn, action, error);
      }
    }
  }

  async close(): Promise<void> {
    const hooks = await this.loading?.catch(() => []);
    await Promise.all((hooks ?? []).map((hook) => hook.plugin.close()));
  }

  /** Every hook plugin, loaded once, in order; one that cannot load stops whatever asked. */
  private loaded(): Promise<LoadedHook[]> {
    this.loading ??= loadAll(this.sources);
    return this.loading;
  }
}

async function loadAll(sources: readonly HookPluginSource[]): Promise<LoadedHook[]> {
  const loaded: LoadedHook[] = [];
  for (const source of sources) {
    try {
      loaded.push({ source, plugin: await source.load() });
    } catch (error) {
      await Promise.all(loaded.map((hook) => hook.plugin.close()));
      if (!isProtoError(error)) throw error;
      throw new HookRefusal(source.id, error.code, `Hook plugin "${source.id}" could not be loaded, so no tool action it guards can go ahead: ${error.message}`, {
        hint: error.hint ?? `Fix or remove it (${source.removal}).`,
        cause: error,
      });
    }
  }
  return loaded;
}

/** The error of a vetoing hook: the plugin's own reason, or what kept it from answering. */
function vetoed(source: HookPluginSource, fn: HookPluginFunction, action: string, error: unknown): Error {
  if (!isProtoError(error)) return error as Error;
  if (error instanceof PluginCallError && error.code === 'plugin.call_failed') {
    return new HookRefusal(source.id, 'hook.vetoed', `Hook plugin "${source.id}" vetoed ${action}: ${error.detail}`, {
      hint: `The hook plugin "${source.id}" (${source.origin}) decides this in ${fn}; change its settings in [tools.${source.id}], or remove it (${source.removal}).`,
      cause: error,
    });
  }
  // Timed out, trapped, denied a host call...: no answer is not a yes.
  return new HookRefusal(source.id, error.code, `Hook plugin "${source.id}" failed, so ${action} did not happen: ${error.message}`, {
    hint: error.hint ?? `Fix or remove the hook plugin (${source.removal}).`,
    cause: error,
  });
}
