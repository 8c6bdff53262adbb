/**
 * Registers the CLI's commands on the program (`run` is registered by main.ts itself). Order
 * here is the order of `proto --help`.
 */
import type { Command } from 'commander';
import { registerAliasCommands } from './alias.js';
import { registerBinCommand } from './bin.js';
import { registerDebugCommand } from './debug.js';
import { registerInstallCommand } from './install.js';
import { registerListRemoteCommand } from './list-remote.js';
import { registerListCommand } from './list.js';
import { registerPinCommands } from './pin.js';
import { registerPluginCommand } from './plugin.js';
import { registerUninstallCommand } from './uninstall.js';

export function registerCommands(program: Command): void {
  registerInstallCommand(program);
  registerUninstallCommand(program);
  registerListCommand(program);
  registerListRemoteCommand(program);
  registerBinCommand(program);
  registerPinCommands(program);
  registerAliasCommands(program);
  registerPluginCommand(program);
  registerDebugCommand(program);
}
