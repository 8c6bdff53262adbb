/**
 * Which `.prototools` a write goes to (proto's `PinLocation`): `local` is the cwd's file,
 * `global` the store's (`~/.proto/.prototools`), `user` the home dir's (`~/.prototools`).
 * proto also accepts `store` for global and `home` for user; so do we.
 */
import { join } from 'node:path';
import { CONFIG_FILE_NAME, type PinLocation } from '../../../config/config-types.js';
import { ProtoError } from '../../../errors.js';
import type { Session } from '../../session.js';

const SPELLINGS: Record<string, PinLocation> = {
  local: 'local',
  global: 'global',
  store: 'global',
  user: 'user',
  home: 'user',
};

export const PIN_LOCATION_HELP = 'local (.prototools in the current dir), global (~/.proto/.prototools) or user (~/.prototools)';

/** Parses a `--to`/`--pin` value; an unknown one is an error that lists the accepted values. */
export function parsePinLocation(value: string, option: string): PinLocation {
  const location = SPELLINGS[value.toLowerCase()];
  if (location) return location;
  throw new ProtoError('cli.invalid_option', `${option} must be local, global or user, got "${value}"`, {
    hint: `Use ${option} ${PIN_LOCATION_HELP}.`,
  });
}

/** `--global` is shorthand for `--to global` (`--from global`); giving both with different values is a mistake. */
export function chooseLocation(options: { global?: boolean; to?: string }, flag = '--to'): PinLocation {
  const to = options.to === undefined ? undefined : parsePinLocation(options.to, flag);
  if (options.global && to !== undefined && to !== 'global') {
    throw new ProtoError('cli.invalid_option', `--global conflicts with ${flag} ${options.to}`, { hint: 'Give only one of them.' });
  }
  return options.global ? 'global' : (to ?? 'local');
}

export function configFileFor(session: Session, location: PinLocation): string {
  switch (location) {
    case 'local':
      return join(session.cwd, CONFIG_FILE_NAME);
    case 'global':
      return session.store.globalConfigPath;
    case 'user':
      return join(session.home, CONFIG_FILE_NAME);
  }
}
