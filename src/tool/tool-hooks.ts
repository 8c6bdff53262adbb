/**
 * Hook plugins as a tool sees them (issue 10, after Windmill's plugin manager): plugins the host
 * calls around every tool's install, run and uninstall, after the tool's own hook. The tool only
 * builds each hook plugin's input; which hook plugins exist, in what order they run and what a
 * failure means is `src/plugins/hook-plugins.ts`.
 */
import type { ToolPlugin } from '../host/tool-plugin.js';
import type { HookPluginFunction } from '../protocol/index.js';

export interface ToolHooks {
  /**
   * Calls `fn` of every hook plugin that exports it, with `input(hookPlugin)` plus `tool_id`
   * (the input is built per hook plugin: its contexts carry paths in that plugin's own mounts).
   * Throws when a vetoing hook (`pre_install`, `pre_run`, `pre_uninstall`) fails.
   */
  call(fn: HookPluginFunction, toolId: string, version: string, input: (hook: ToolPlugin) => object): Promise<void>;
  /** Whether any hook plugin exports `fn`. */
  exports(fn: HookPluginFunction): Promise<boolean>;
}
