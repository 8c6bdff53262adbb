/** The proto store: layout, manifest.json, remote-versions cache and cross-process locks. */
export { Store, type StoreOptions } from './store.js';
export { Inventory, REMOTE_VERSIONS_TTL_MS, isCacheDisabled, type InventoryOptions } from './inventory.js';
export { resolveStoreRoot, expandHome, type StoreRootOptions } from './store-root.js';
export { encodeComponent, encodeVersionForTemp } from './encode-component.js';
export {
  acquireLock,
  readLiveLockOwner,
  isProcessAlive,
  type AcquireLockOptions,
  type LockHandle,
  type LockOwner,
} from './lock.js';
export {
  emptyManifest,
  readManifestFile,
  serializeManifest,
  writeManifestFile,
  type ManifestLockRecord,
  type ManifestVersionEntry,
  type ToolManifest,
} from './tool-manifest.js';
export { writeFileAtomic } from './atomic-write.js';
export { isInsideDir } from './inside-dir.js';
