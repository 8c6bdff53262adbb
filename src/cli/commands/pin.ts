/**
 * `proto pin <id> <spec>` and `proto unpin <id>`: the top-level `id = "spec"` of one
 * `.prototools` (the cwd's by default), edited in place so comments and layout survive.
 * The spec is written in canonical form (`20` → `~20`), as proto serializes it; `--resolve`
 * pins the version the spec resolves to instead.
 */
import type { Command } from 'commander';
import { ProtoError } from '../../errors.js';
import { parseSpec } from '../../version/index.js';
import { writeResult } from '../output/write.js';
import type { Session } from '../session.js';
import { chooseLocation, configFileFor, PIN_LOCATION_HELP } from './common/config-target.js';
import { explainOffline } from './common/offline.js';
import { openSession } from './common/open-session.js';

interface PinOptions {
  global?: boolean;
  to?: string;
  from?: string;
  resolve?: boolean;
}

export function registerPinCommands(program: Command): void {
  program
    .command('pin')
    .alias('p')
    .description('Pin a version of a tool in .prototools (the current directory\'s, unless --to/--global).')
    .argument('<id>', 'tool id')
    .argument('<spec>', 'version, requirement (20, ^1.2), range or alias (latest, lts-*)')
    .option('--to <location>', PIN_LOCATION_HELP)
    .option('--global', 'same as --to global')
    .option('--resolve', 'pin the version the spec resolves to now, not the spec')
    .addHelpText(
      'after',
      '\nThe spec is written in canonical form ("20" becomes "~20").\n\nExamples:\n  proto pin node 20\n  proto pin node lts-* --global\n  proto pin node latest --resolve',
    )
    .action((id: string, spec: string, options: PinOptions) => openSession({}, (session) => pin(session, id, spec, options)));

  program
    .command('unpin')
    .alias('uv')
    .description('Remove the pinned version of a tool from .prototools.')
    .argument('<id>', 'tool id')
    .option('--from <location>', PIN_LOCATION_HELP)
    .option('--to <location>', 'the same as --from (older spelling)')
    .option('--global', 'same as --from global')
    .addHelpText('after', '\nExamples:\n  proto unpin node\n  proto unpin node --from global')
    .action((id: string, options: PinOptions) => openSession({}, (session) => unpin(session, id, options)));
}

async function pin(session: Session, id: string, spec: string, options: PinOptions): Promise<void> {
  parseSpec(spec);
  const file = configFileFor(session, chooseLocation(options));
  let value = spec;
  if (options.resolve) {
    const tool = await session.tool(id);
    value = await explainOffline(session, `resolve ${id} ${spec}`, () => session.resolve(tool, spec));
  } else {
    // Refuse to pin a tool nobody can install: the error lists the known tools.
    session.locatorFor(id);
  }
  const { pinVersion } = await import('../../config/edit-config.js');
  const written = await pinVersion(file, id, value);
  writeResult(`pinned ${id} = "${written}" in ${file}`);
}

async function unpin(session: Session, id: string, options: PinOptions): Promise<void> {
  const file = configFileFor(session, chooseLocation({ global: options.global, to: options.from ?? options.to }, options.from !== undefined ? '--from' : '--to'));
  const { unpinVersion } = await import('../../config/edit-config.js');
  if (!(await unpinVersion(file, id))) {
    throw new ProtoError('config.not_pinned', `${id} is not pinned in ${file}.`, {
      hint: 'Pins in other files stay in force: look with `proto status`, or pass --from local|global|user.',
    });
  }
  writeResult(`unpinned ${id} in ${file}`);
}
