/**
 * Step 6 of the install: move the fully unpacked staging dir into `tools/<id>/<version>` with one
 * rename, so the product dir is either absent or complete. A previous product dir (a forced
 * reinstall, or leftovers of an install that died before recording itself) is first renamed to a
 * trash dir, which the caller deletes once the new install is recorded, or renames back if a later
 * step fails (`restorePrevious`). Staging and trash live in `tools/<id>/` so the renames never
 * cross file systems.
 *
 * Called with the version lock held.
 */
import { lstatSync, promises as fs, readdirSync } from 'node:fs';
import { ProtoError } from '../errors.js';
import { poolRename } from '../pool-fs.js';

export interface CommitInstallInput {
  stagingDir: string;
  productDir: string;
  trashDir: string;
  pluginId: string;
  version: string;
}

/** Returns whether a previous product dir now sits in `trashDir`. */
export async function commitInstall(input: CommitInstallInput): Promise<boolean> {
  // Synchronous looks: the staging dir is ours alone and its top level is small; the product
  // dir is most often absent (a first install), which an lstat says without an error object.
  if (readdirSync(input.stagingDir).length === 0) {
    throw new ProtoError('install.no_files', `Installing ${input.pluginId} ${input.version} produced no files.`, {
      hint: 'The archive is empty, or archive_prefix does not match its top folder.',
    });
  }
  // The trash dir is absent: the caller removed any left by a dead process, under the same lock.
  const replaced = lstatSync(input.productDir, { throwIfNoEntry: false }) !== undefined;
  if (replaced) await poolRename(input.productDir, input.trashDir);
  await poolRename(input.stagingDir, input.productDir);
  return replaced;
}

/** Undoes a commit: the new product dir goes, the previous one (if any) comes back from the trash. */
export async function restorePrevious(input: Pick<CommitInstallInput, 'productDir' | 'trashDir'>, hadPrevious: boolean): Promise<void> {
  await fs.rm(input.productDir, { recursive: true, force: true });
  if (hadPrevious) await fs.rename(input.trashDir, input.productDir);
}
