/**
 * On/off environment switches (`PROTO_OFFLINE`, `PROTO_CACHE`, `PROTO_JSON`, boolean settings such
 * as `PROTO_AUTO_INSTALL`; `CI` takes its off words, see detectCi): the one list of words that mean on
 * and off. Case and surrounding spaces do not matter.
 */

const ON = ['1', 'true', 'yes', 'on'];
const OFF = ['0', 'false', 'no', 'off'];

/** `true` for an on word, `false` for an off word, undefined when unset or neither. */
export function envSwitch(value: string | undefined): boolean | undefined {
  const word = value?.trim().toLowerCase();
  if (word === undefined) return undefined;
  if (ON.includes(word)) return true;
  if (OFF.includes(word)) return false;
  return undefined;
}

/** What an error says a switch accepts. */
export const ENV_SWITCH_WORDS = `${ON.join(', ')} (on) or ${OFF.join(', ')} (off)`;
