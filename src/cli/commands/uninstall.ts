/**
 * `proto uninstall <id> [spec]`: removes one installed version (the spec is resolved against the
 * installed versions only, so `uninstall node 20` removes the newest installed 20.x), or every
 * version with `--all`. Bins are re-pointed at what remains; shims go with the last version.
 */
import type { Command } from 'commander';
import { ProtoError } from '../../errors.js';
import { formatSpec, parseSpec } from '../../version/index.js';
import { writeJson, writeResult } from '../output/write.js';
import type { Session } from '../session.js';
import { installedNewestFirst, resolveInstalled } from './common/installed-versions.js';
import { withSession } from './common/with-session.js';

interface UninstallOptions {
  all?: boolean;
  json?: boolean;
}

export function registerUninstallCommand(program: Command): void {
  program
    .command('uninstall')
    .alias('ui')
    .description('Uninstall one installed version of a tool, or all of them with --all.')
    .argument('<id>', 'tool id')
    .argument('[spec]', 'installed version to remove; a requirement or alias picks the newest installed match')
    .option('--all', 'uninstall every installed version of the tool')
    .option('--json', 'print the removed versions as JSON on stdout')
    .addHelpText(
      'after',
      `
Pins in .prototools are left as they are. A .protolock forgets records of exactly the removed
version (a record of a range such as "~20" stays).

Examples:
  proto uninstall node 20.11.0
  proto uninstall node 18        the newest installed 18.x
  proto uninstall node --all`,
    )
    .action((id: string, spec: string | undefined, options: UninstallOptions) =>
      withSession({}, (session) => uninstall(session, id, spec, options)),
    );
}

async function uninstall(session: Session, id: string, spec: string | undefined, options: UninstallOptions): Promise<void> {
  if (spec !== undefined && options.all) {
    throw new ProtoError('cli.invalid_option', 'Give either a version or --all, not both.');
  }
  const canonical = spec === undefined ? undefined : formatSpec(parseSpec(spec));
  const tool = await session.tool(id);
  const installed = await installedNewestFirst(session, id);
  const listed = installed.length > 0 ? `Installed: ${installed.join(', ')}.` : `No version of ${id} is installed.`;
  if (canonical === undefined && !options.all) {
    throw new ProtoError('uninstall.no_version', `Which version of ${id} should be uninstalled? ${listed}`, {
      hint: `Name one (proto uninstall ${id} <version>) or remove them all with --all.`,
    });
  }
  let versions: string[];
  if (options.all) {
    versions = installed;
  } else {
    const version = await resolveInstalled(session, id, canonical!, installed);
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
  for (const version of versions) {
    const result = await tool.uninstall(version);
    if (result.uninstalled) removed.push(version);
    // As proto: the lockfile forgets records of exactly this version, then orphans are pruned.
    await session.lockfiles.forgetVersion(id, version, lockOptions);
  }
  await session.lockfiles.pruneOrphans();
  if (options.json) {
    writeJson({ tool: id, uninstalled: removed });
    return;
  }
  for (const version of removed) writeResult(`${id} ${version} uninstalled`);
}
