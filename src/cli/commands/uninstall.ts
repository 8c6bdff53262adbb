/**
 * `proto uninstall <id> [spec]` (alias `ui`): removes one installed version (the spec is resolved
 * against the installed versions only, so `uninstall node 20` removes the newest installed 20.x),
 * or, with no spec (or `--all`), every version after a prompt (`-y` skips it). Bins are re-pointed
 * at what remains; shims go with the last version. Pins go too, as in proto: a pin of exactly the
 * removed version, or with every version gone, every pin of the tool in the files read here.
 */
import type { Command } from 'commander';
import { ProtoError } from '../../errors.js';
import { formatSpec, parseSpec } from '../../version/index.js';
import { writeJson, writeResult } from '../output/write.js';
import type { Session } from '../session.js';
import { confirm } from './common/confirm.js';
import { installedNewestFirst, resolveInstalled } from './common/installed-versions.js';
import { openSession } from './common/open-session.js';

interface UninstallOptions {
  all?: boolean;
  json?: boolean;
  yes?: boolean;
}

export function registerUninstallCommand(program: Command): void {
  program
    .command('uninstall')
    .alias('ui')
    .description('Uninstall a version of a tool; with no version, every version (after a prompt) and its pins.')
    .argument('<id>', 'tool id')
    .argument('[spec]', 'installed version to remove; a requirement or alias picks the newest installed match (default: every version)')
    .option('--all', 'uninstall every installed version of the tool (the same as giving no spec)')
    .option('--json', 'print the removed versions as JSON on stdout')
    .addHelpText(
      'after',
      `
Pins: a pin of exactly the removed version is removed; with every version gone, every pin of
the tool in the .prototools files read here is removed. A .protolock forgets records of exactly
the removed version (a record of a range such as "~20" stays).

Examples:
  proto uninstall node 20.11.0
  proto uninstall node 18        the newest installed 18.x
  proto uninstall node -y        every version, without asking`,
    )
    .action((id: string, spec: string | undefined, options: UninstallOptions) =>
      openSession({}, (session) => uninstall(session, id, spec, options)),
    );
}

async function uninstall(session: Session, id: string, spec: string | undefined, options: UninstallOptions): Promise<void> {
  if (spec !== undefined && options.all) {
    throw new ProtoError('cli.invalid_option', 'Give either a version or --all, not both.');
  }
  const canonical = spec === undefined ? undefined : formatSpec(parseSpec(spec));
  const tool = await session.tool(id);
  const installed = await installedNewestFirst(tool.inventory);
  const listed = installed.length > 0 ? `Installed: ${installed.join(', ')}.` : `No version of ${id} is installed.`;
  const every = canonical === undefined;
  let versions: string[];
  if (every) {
    versions = installed;
    if (versions.length > 0 && !(await confirm(`Uninstall every version of ${id} (${installed.join(', ')}) and remove its pins?`, { yes: options.yes || options.all, flagHint: '-y (or --all)' }))) {
      throw new ProtoError('cli.cancelled', `Nothing was uninstalled.`, {
        hint: `Name the version to remove only that one (proto uninstall ${id} <version>), or pass -y to remove them all without asking.`,
      });
    }
  } else {
    const version = await resolveInstalled(session, id, canonical!, installed, tool.inventory);
    versions = version === undefined ? [] : [version];
  }
  if (versions.length === 0) {
    const message = canonical === undefined ? listed : `${id} ${canonical} is not installed. ${listed}`;
    throw new ProtoError('uninstall.not_installed', message, {
      hint: `See what is installed with \`proto list ${id}\`.`,
    });
  }
  const removed: string[] = [];
  const lockOptions = { ignoreOsArch: tool.metadata.lock_options?.ignore_os_arch === true };
  // Every hook plugin agrees to every removal before anything is removed (or unpinned).
  await tool.preUninstall(versions);
  for (const version of versions) {
    const result = await tool.uninstall(version, { preUninstallDone: true });
    if (result.uninstalled) removed.push(version);
    // As proto: the lockfile forgets records of exactly this version, then orphans are pruned.
    await session.lockfiles.forgetVersion(id, version, lockOptions);
  }
  const unpinned = await removePins(session, id, every ? undefined : removed);
  await session.lockfiles.pruneOrphans();
  if (options.json) {
    writeJson({ tool: id, uninstalled: removed, unpinned });
    return;
  }
  for (const version of removed) writeResult(`${id} ${version} uninstalled`);
  for (const file of unpinned) writeResult(`unpinned ${id} in ${file}`);
}

/** Removes the tool's pins from the files read here: all of them, or those naming one of `versions` exactly. */
async function removePins(session: Session, id: string, versions: readonly string[] | undefined): Promise<string[]> {
  const unpinned: string[] = [];
  const { unpinVersion } = await import('../../config/edit-config.js');
  for (const file of session.loaded.files) {
    const pin = file.exists && Object.hasOwn(file.config.versions, id) ? file.config.versions[id] : undefined;
    if (pin === undefined || (versions !== undefined && !versions.includes(pin))) continue;
    if (await unpinVersion(file.path, id)) unpinned.push(file.path);
  }
  return unpinned;
}
