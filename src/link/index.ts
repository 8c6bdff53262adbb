/** Shims, bins and the shim registry (spec §6.7). */
export { createShims, removeShims, renderShim, shimLauncher, shimPath, defaultLauncher, type ShimLauncher, type CreateShimsResult } from './shims.js';
export { readShimRegistry, updateShimRegistry, shimEntryFor, registryPath, type ShimEntry, type ShimRegistry } from './shim-registry.js';
export { writeShimCacheEntry, renderShimCacheEntry, shimCacheEntryPath, shimCacheRoot, newestMtimeSeconds, type ShimCacheEntry } from './shim-cache.js';
export { relinkBins, versionBuckets, type RelinkBinsOptions } from './bins.js';
export { splitShellWords, quoteShellWord } from './shell-words.js';
export { isSafeExecutableName, isShellVariableName } from './names.js';
export { executablePath, preparedExecutable } from './executable.js';
