/** `.protolock` lockfiles: the file format (pure), which config owns which lockfile, and their updates. */
export * from './protolock.js';
export { lockOwnerFor, lockPathFor, planLockfiles, type LockedConfig, type LockfilePlan } from './lockfile-scope.js';
export { Lockfiles, type LockedVersion } from './lockfiles.js';
export { checkLockedChecksum, sameChecksum, type LockedChecksum } from './verify-locked.js';
