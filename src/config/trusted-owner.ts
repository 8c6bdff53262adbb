/**
 * Whose `.prototools` files proto reads. A config file can name plugins, and a plugin runs with
 * the user's rights, so a file written by another user (say into a shared, world-writable parent
 * directory such as /tmp) must not take effect: like git's `safe.directory`, files owned by
 * anyone but the user or root are skipped with a warning. `PROTO_SAFE_DIRECTORIES` (a PATH-style
 * list of directories, or `*`) trusts the files in the directories it lists.
 */
import { delimiter, resolve } from 'node:path';

/** Why the file may not be read (a warning for the user), or undefined when it may. */
export function untrustedOwnerReason(
  file: string,
  dir: string,
  ownerUid: number,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined || ownerUid === uid || ownerUid === 0) return undefined;
  const safe = (env.PROTO_SAFE_DIRECTORIES ?? '').split(delimiter).filter(Boolean);
  if (safe.includes('*') || safe.some((entry) => resolve(entry) === resolve(dir))) return undefined;
  return (
    `${file} was skipped: it is owned by another user (uid ${ownerUid}), and a config file can make proto run any plugin as you. ` +
    `If you trust it, add its directory to PROTO_SAFE_DIRECTORIES (PROTO_SAFE_DIRECTORIES=${dir}), or take it over (chown).`
  );
}
