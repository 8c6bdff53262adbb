/** The plugin host: load a tool plugin and call it. */
export { DEFAULT_CALL_TIMEOUT_MS, CALL_TIMEOUT_RANGE_MS } from './call-timeout.js';
export { PluginContainer, compilePluginModule, type PluginLimits, type PluginLoadOptions } from './plugin-container.js';
export { retainModule } from './module-cache.js';
export { ToolPlugin, PluginCallError } from './tool-plugin.js';
export { prepareMounts } from './mounts.js';
export type { MountDirs } from './mounts.js';
export type { HttpGet } from './functions/context.js';
export { detectHost, mapNodeArch, mapNodeOs, detectLibc, detectCi, type DetectedHost } from './host-environment.js';
export { toReal, toVirtual, toWirePath, isUnder, sortMapping, type PathMapping } from './virtual-paths.js';
export { applyStyleTags } from './style-tags.js';
export { scanImports, type ImportVerdict, type ScannedImport, type ScanPolicy, type ScanReport } from './import-check.js';
export {
  PluginPermissions,
  PermissionDeniedError,
  PermissionGate,
  GATED_HOST_FUNCTIONS,
  PERMISSION_PATTERN,
  isPermission,
  permissionFamily,
  type GatedHostFunction,
  type PermissionFamily,
} from './permissions.js';
