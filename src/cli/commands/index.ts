/**
 * Registers the CLI's commands on the program (`run` is registered by main.ts itself). Order
 * here is the order of `proto --help`.
 */
import type { Command } from 'commander';
import { registerAliasCommands } from './alias.js';
import { registerBinCommand } from './bin.js';
import { registerActivateCommand } from './activate.js';
import { registerCleanCommand } from './clean.js';
import { registerCompletionsCommand } from './completions.js';
import { registerDebugCommand } from './debug.js';
import { registerDiagnoseCommand } from './diagnose.js';
import { registerExecCommand } from './exec.js';
import { registerOutdatedCommand } from './outdated.js';
import { registerStatusCommand } from './status.js';
import { registerVersionsCommand } from './versions.js';
import { registerInstallCommand } from './install.js';
import { registerListRemoteCommand } from './list-remote.js';
import { registerListCommand } from './list.js';
import { registerPinCommands } from './pin.js';
import { registerPluginCommand } from './plugin.js';
import { registerRegenCommand } from './regen.js';
import { registerUninstallCommand } from './uninstall.js';

export function registerCommands(program: Command): void {
  registerInstallCommand(program);
  registerUninstallCommand(program);
  registerListCommand(program);
  registerListRemoteCommand(program);
  registerVersionsCommand(program);
  registerStatusCommand(program);
  registerOutdatedCommand(program);
  registerBinCommand(program);
  registerPinCommands(program);
  registerAliasCommands(program);
  registerExecCommand(program);
  registerActivateCommand(program);
  registerPluginCommand(program);
  registerCleanCommand(program);
  registerRegenCommand(program);
  registerDiagnoseCommand(program);
  registerDebugCommand(program);
  registerCompletionsCommand(program);
}
