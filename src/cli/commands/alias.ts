/**
 * `proto alias <id> <alias> <spec>` and `proto unalias <id> <alias>`: user aliases in
 * `[tools.<id>.aliases]` of one `.prototools`. They win over the plugin's aliases of the same
 * name when specs resolve (`proto install node work`).
 */
import type { Command } from 'commander';
import { ProtoError } from '../../errors.js';
import { writeResult } from '../output/write.js';
import type { Session } from '../session.js';
import { chooseLocation, configFileFor, PIN_LOCATION_HELP } from './common/config-target.js';
import { openSession } from './common/open-session.js';

interface AliasOptions {
  global?: boolean;
  to?: string;
  from?: string;
}

export function registerAliasCommands(program: Command): void {
  program
    .command('alias')
    .alias('a')
    .description('Add or change a version alias of a tool in .prototools ([tools.<id>.aliases]).')
    .argument('<id>', 'tool id')
    .argument('<alias>', 'alias name: a letter, then letters, digits, "-", "_", ".", "/"')
    .argument('<spec>', 'what it stands for: version, requirement, range or another alias')
    .option('--to <location>', PIN_LOCATION_HELP)
    .option('--global', 'same as --to global')
    .addHelpText('after', '\nExamples:\n  proto alias node work ^18\n  proto install node work')
    .action((id: string, alias: string, spec: string, options: AliasOptions) =>
      openSession({}, async (session) => {
        session.locatorFor(id);
        const file = configFileFor(session, chooseLocation(options));
        const { setAlias } = await import('../../config/edit-config.js');
        const written = await setAlias(file, id, alias, spec);
        writeResult(`aliased ${id} ${alias} = "${written}" in ${file}`);
      }),
    );

  program
    .command('unalias')
    .alias('ua')
    .description('Remove a version alias of a tool from .prototools.')
    .argument('<id>', 'tool id')
    .argument('<alias>', 'alias name')
    .option('--from <location>', PIN_LOCATION_HELP)
    .option('--to <location>', 'the same as --from (older spelling)')
    .option('--global', 'same as --from global')
    .addHelpText('after', '\nExample:\n  proto unalias node work')
    .action((id: string, alias: string, options: AliasOptions) => openSession({}, (session) => unalias(session, id, alias, options)));
}

async function unalias(session: Session, id: string, alias: string, options: AliasOptions): Promise<void> {
  const file = configFileFor(session, chooseLocation({ global: options.global, to: options.from ?? options.to }, options.from !== undefined ? '--from' : '--to'));
  const { removeAlias } = await import('../../config/edit-config.js');
  if (!(await removeAlias(file, id, alias))) {
    throw new ProtoError('config.alias_not_found', `${id} has no alias "${alias}" in ${file}.`, {
      hint: `List the aliases with \`proto list-remote ${id}\`, or pass --from local|global|user.`,
    });
  }
  writeResult(`removed alias ${alias} of ${id} from ${file}`);
}
