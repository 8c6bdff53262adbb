/**
 * `proto plugin add <id> <locator>` and `proto plugin remove <id>`, as proto has them: edit
 * `[plugins.tools]` of one `.prototools` in place, keeping its comments and layout.
 */
import { addPluginLocator, removePluginLocator } from '../../config/edit-config.js';
import { ProtoError } from '../../errors.js';
import { writeResult } from '../output/write.js';
import type { Session } from '../session.js';
import { configFileFor, parsePinLocation } from './common/config-target.js';

export async function add(session: Session, id: string, locator: string, options: { to?: string }): Promise<void> {
  const file = configFileFor(session, options.to === undefined ? 'local' : parsePinLocation(options.to, '--to'));
  await addPluginLocator(file, id, locator);
  writeResult(`added ${id} = "${locator}" to [plugins.tools] in ${file}`);
}

export async function remove(session: Session, id: string, options: { from?: string }): Promise<void> {
  const file = configFileFor(session, options.from === undefined ? 'local' : parsePinLocation(options.from, '--from'));
  if (!(await removePluginLocator(file, id))) {
    throw new ProtoError('config.plugin_not_configured', `No plugin for ${id} is configured in ${file}.`, {
      hint: 'Plugins in other files stay in force: look with `proto plugin list`, or pass --from local|global|user.',
    });
  }
  writeResult(`removed ${id} from ${file}`);
}
