/**
 * `proto plugin add <id> <locator>` and `proto plugin remove <id>`, as proto has them: edit
 * `[plugins.tools]` of one `.prototools` in place, keeping its comments and layout.
 */
import type { Command } from 'commander';
import { addPluginLocator, removePluginLocator } from '../../config/index.js';
import { ProtoError } from '../../errors.js';
import { writeResult } from '../output/write.js';
import type { Session } from '../session.js';
import { configFileFor, parsePinLocation, PIN_LOCATION_HELP } from './common/config-target.js';
import { withSession } from './common/with-session.js';

export function registerPluginConfigCommands(plugin: Command): void {
  plugin
    .command('add')
    .description('Configure a tool\'s plugin by locator in [plugins.tools] of .prototools.')
    .argument('<id>', 'tool id')
    .argument('<locator>', 'file://, https://, github:// or registry:// plugin locator')
    .option('--to <location>', PIN_LOCATION_HELP)
    .addHelpText(
      'after',
      '\nExamples:\n  proto plugin add disttool file://./plugins/disttool.wasm\n  proto plugin add act github://theomessin/proto-act --to global',
    )
    .action((id: string, locator: string, options: { to?: string }) => withSession({}, (session) => add(session, id, locator, options)));

  plugin
    .command('remove')
    .description('Remove a tool\'s plugin from [plugins.tools] (or the flat [plugins]) of .prototools.')
    .argument('<id>', 'tool id')
    .option('--from <location>', PIN_LOCATION_HELP)
    .addHelpText('after', '\nExamples:\n  proto plugin remove disttool\n  proto plugin remove act --from global')
    .action((id: string, options: { from?: string }) => withSession({}, (session) => remove(session, id, options)));
}

async function add(session: Session, id: string, locator: string, options: { to?: string }): Promise<void> {
  const file = configFileFor(session, options.to === undefined ? 'local' : parsePinLocation(options.to, '--to'));
  await addPluginLocator(file, id, locator);
  writeResult(`added ${id} = "${locator}" to [plugins.tools] in ${file}`);
}

async function remove(session: Session, id: string, options: { from?: string }): Promise<void> {
  const file = configFileFor(session, options.from === undefined ? 'local' : parsePinLocation(options.from, '--from'));
  if (!(await removePluginLocator(file, id))) {
    throw new ProtoError('config.plugin_not_configured', `No plugin for ${id} is configured in ${file}.`, {
      hint: 'Plugins in other files stay in force: look with `proto plugin list`, or pass --from local|global|user.',
    });
  }
  writeResult(`removed ${id} from ${file}`);
}
