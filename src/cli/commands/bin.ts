/**
 * `proto bin <id> [spec]`: the absolute path of the tool's primary executable for the version
 * that applies here (or the given spec), which must be installed. `--shim` prints the shim
 * instead.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { toEnvVarName } from '../../detect/index.js';
import { ProtoError } from '../../errors.js';
import { formatSpec, parseSpec } from '../../version/index.js';
import { writeResult } from '../output/write.js';
import type { Session } from '../session.js';
import { installedNewestFirst, resolveInstalled } from './common/installed-versions.js';
import { openSession } from './common/open-session.js';

export interface BinOptions {
  shim?: boolean;
}

export function registerBinCommand(program: Command): void {
  program
    .command('bin')
    .description('Print the absolute path of a tool\'s executable for the version detected here (or the given one).')
    .argument('<id>', 'tool id')
    .argument('[spec]', 'version, requirement or alias of an installed version (default: the one detected here)')
    .option('--shim', 'print the path of the tool\'s shim (~/.proto/shims/<id>) instead')
    .addHelpText('after', '\nExamples:\n  proto bin node\n  proto bin node 20\n  "$(proto bin node)" --version')
    .action((id: string, spec: string | undefined, options: BinOptions) => openSession({}, (session) => printBin(session, id, spec, options)));
}

export async function printBin(session: Session, id: string, explicit: string | undefined, options: BinOptions): Promise<void> {
  const given = explicit === undefined ? undefined : formatSpec(parseSpec(explicit));
  const tool = await session.tool(id);
  if (options.shim) {
    const shim = join(session.store.shimsDir, id);
    if (!existsSync(shim)) {
      throw new ProtoError('bin.no_shim', `${id} has no shim at ${shim}.`, { hint: `Install a version first: proto install ${id}.` });
    }
    writeResult(shim);
    return;
  }
  const spec = given ?? (await session.detect(tool))?.spec;
  if (spec === undefined) {
    throw new ProtoError('bin.no_version', `No version of ${id} is configured for ${session.cwd}.`, {
      hint: `Pin one with \`proto pin ${id} <version>\`, set ${toEnvVarName(id)}, or pass one: \`proto bin ${id} <version>\`.`,
    });
  }
  const installed = await installedNewestFirst(tool.inventory);
  const version = await resolveInstalled(session, id, spec, installed, tool.inventory);
  if (version === undefined) {
    const listed = installed.length > 0 ? `Installed: ${installed.join(', ')}.` : `No version of ${id} is installed.`;
    throw new ProtoError('bin.not_installed', `${id} ${spec} is not installed. ${listed}`, {
      hint: `Install it with \`proto install ${id} ${spec}\`.`,
    });
  }
  const exe = await tool.primaryExecutable(version);
  if (!existsSync(exe)) {
    throw new ProtoError('bin.missing_executable', `${id} ${version} has no executable at ${exe}.`, {
      hint: `Reinstall it with \`proto install ${id} ${version} --force\`.`,
    });
  }
  writeResult(exe);
}
