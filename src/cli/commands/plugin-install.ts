/**
 * `proto plugin install | upgrade | uninstall`: plugins from an index (or a manifest given by
 * `--file`/`--url`) installed under `~/.proto/plugins/installed`, after the checks and the trust
 * prompt of `src/plugins/install-plugin.ts`. Tools these plugins provide need no `[plugins]`
 * entry: lookup finds them after the configured plugins and before the built-ins.
 */
import type { Command } from 'commander';
import { isProtoError, ProtoError } from '../../errors.js';
import {
  checkNotReserved,
  checkPluginName,
  chooseVersion,
  describePluginKind,
  findIndexPlugin,
  installResolvedPlugin,
  listInstalledPlugins,
  readIndexManifest,
  readInstalledPlugin,
  removeInstalledPlugin,
  resolveManifestLocation,
  type InstalledPlugin,
  type ResolvedManifest,
} from '../../plugins/index.js';
import { formatErrorReport } from '../output/format-error.js';
import { writeNote, writeResult } from '../output/write.js';
import { packageVersion } from '../package-version.js';
import { compareVersionStrings } from '../../version/index.js';
import type { Session } from '../session.js';
import { indexContext, installContext, loadConfiguredIndexes, reservedCommandNames, stdinPrompts } from './common/plugin-manager.js';

interface SourceFlags {
  version?: string;
  file?: string;
  url?: string;
}

export interface InstallFlags extends SourceFlags {
  overrideCompatibilityCheck?: boolean;
}

export interface UpgradeFlags extends SourceFlags {
  all?: boolean;
  downgrade?: boolean;
}

export async function install(session: Session, command: Command, name: string, flags: InstallFlags): Promise<void> {
  checkPluginName(name);
  checkNotReserved(name, reservedCommandNames(command));
  const resolved = await resolveManifest(session, name, flags, flags.overrideCompatibilityCheck === true);
  const installed = readInstalledPlugin(session.store, name);
  if (installed?.version === resolved.manifest.version) {
    writeNote(`${name} ${installed.version} is already installed.`);
    return;
  }
  if (installed) {
    throw new ProtoError('plugin.already_installed', `${name} ${installed.version} is already installed.`, {
      hint: `Change its version with \`proto plugin upgrade ${name} --version ${resolved.manifest.version}\`${compareVersionStrings(resolved.manifest.version, installed.version) < 0 ? ' --downgrade' : ''}.`,
    });
  }
  const prompts = stdinPrompts();
  try {
    const record = await installResolvedPlugin(resolved, installContext(session, command, flags, prompts));
    writeResult(`installed ${record.name} ${record.version} (${describePluginKind(record.kind, record.tools)})`);
  } finally {
    prompts.close();
  }
}

export async function upgrade(session: Session, command: Command, name: string | undefined, flags: UpgradeFlags): Promise<void> {
  if (flags.all && (name || flags.version || flags.file || flags.url)) {
    throw new ProtoError('cli.invalid_option', '--all cannot be combined with a plugin name, --version, --file or --url.', {
      hint: 'Upgrade one plugin with `proto plugin upgrade <name> [--version V]`, or all of them with `--all`.',
    });
  }
  if (!flags.all && !name) throw new ProtoError('cli.invalid_option', 'Name the plugin to upgrade, or pass --all.', { hint: 'proto plugin upgrade <name> | --all' });
  if (name) checkPluginName(name);
  const targets = flags.all ? listInstalledPlugins(session.store) : [requireInstalled(session, name!)];
  if (targets.length === 0) {
    writeNote('No plugin is installed.');
    return;
  }
  const prompts = stdinPrompts();
  const failed: string[] = [];
  try {
    for (const installed of targets) {
      try {
        await upgradeOne(session, command, installed, flags, prompts);
      } catch (error) {
        // With --all, one plugin's failure does not stop the others.
        if (!flags.all || !isProtoError(error)) throw error;
        process.stderr.write(formatErrorReport({ code: error.code, message: `${installed.name}: ${error.message}`, ...(error.hint ? { hint: error.hint } : {}) }));
        failed.push(installed.name);
      }
    }
  } finally {
    prompts.close();
  }
  if (failed.length > 0) {
    throw new ProtoError('plugin.upgrade_failed', `Could not upgrade ${failed.join(', ')}.`, { hint: 'See the errors above; the other plugins were upgraded.' });
  }
}

async function upgradeOne(session: Session, command: Command, installed: InstalledPlugin, flags: UpgradeFlags, prompts: ReturnType<typeof stdinPrompts>): Promise<void> {
  const { name } = installed;
  const resolved = await resolveManifest(session, name, flags, false);
  const target = resolved.manifest.version;
  const order = compareVersionStrings(target, installed.version);
  const explicit = flags.version !== undefined || flags.file !== undefined || flags.url !== undefined;
  if (order === 0 || (order < 0 && !explicit)) {
    writeNote(`${name} ${installed.version} is up to date${order < 0 ? ` (the newest compatible version in its index is ${target})` : ''}.`);
    return;
  }
  if (order < 0 && !flags.downgrade) {
    throw new ProtoError('plugin.downgrade_refused', `${name} ${target} is older than the installed ${installed.version}.`, {
      hint: `Pass --downgrade to install the older version: proto plugin upgrade ${name} --version ${target} --downgrade`,
    });
  }
  const context = {
    ...installContext(session, command, {}, prompts),
    incompatibleHint: `upgrade never installs an incompatible version; see \`proto plugin info ${name}\` for the compatible ones.`,
  };
  const record = await installResolvedPlugin(resolved, context, installed);
  writeResult(`${order < 0 ? 'downgraded' : 'upgraded'} ${name} ${installed.version} -> ${record.version}`);
}

export async function uninstall(session: Session, name: string): Promise<void> {
  checkPluginName(name);
  if (!(await removeInstalledPlugin(session.store, name))) throw notInstalled(name);
  writeResult(`uninstalled ${name}`);
}

/** The manifest named by --file/--url, or the chosen version from the first index that lists the plugin. */
async function resolveManifest(session: Session, name: string, flags: SourceFlags, anyCompatibility: boolean): Promise<ResolvedManifest> {
  const context = indexContext(session);
  if (flags.file !== undefined || flags.url !== undefined) {
    return resolveManifestLocation({ name, ...(flags.version !== undefined ? { version: flags.version } : {}), ...(flags.file ? { file: flags.file } : {}), ...(flags.url ? { url: flags.url } : {}) }, context);
  }
  const { listings, failures } = await loadConfiguredIndexes(session);
  const { listing, plugin } = findIndexPlugin(name, listings, failures);
  const version = chooseVersion(plugin, flags.version, packageVersion(), anyCompatibility);
  return readIndexManifest(listing, plugin, version, context);
}

function requireInstalled(session: Session, name: string): InstalledPlugin {
  const installed = readInstalledPlugin(session.store, name);
  if (!installed) throw notInstalled(name);
  return installed;
}

function notInstalled(name: string): ProtoError {
  return new ProtoError('plugin.not_installed', `The plugin ${name} is not installed.`, {
    hint: `See what is installed with \`proto plugin list --installed\`; install it with \`proto plugin install ${name}\`.`,
  });
}
