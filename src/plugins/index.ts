/**
 * The plugin manager: plugin indexes (directories, URLs, git, proto's registry), manifests and
 * their JSON Schema, the compatibility rule, the trust prompt, and the plugins installed from
 * indexes under `~/.proto/plugins/installed`.
 */
export { checkCompatibility, parseCompatibility, COMPATIBILITY_PATTERN, type CompatibilityVerdict } from './compatibility.js';
export { configuredIndexSources, parseIndexSource, describeSource, PROTO_REGISTRY, PROTO_REGISTRY_DATA_URL, type IndexSource } from './index-source.js';
export { parseManifest, checkPluginName, describePluginKind, isPluginName, type PluginManifest, type PluginPackage, type PluginKind } from './manifest.js';
export { selectPackage, type Platform } from './platform.js';
export { scanIndexDir, type IndexProblem, type ScannedIndex } from './index-dir.js';
export { parseIndexDocument, type IndexDocument, type IndexListing, type IndexPlugin, type IndexVersion } from './index-listing.js';
export {
  loadIndex,
  loadIndexes,
  readIndexManifest,
  PLUGIN_INDEX_TTL_MS,
  type IndexContext,
  type IndexFailure,
  type LoadedListing,
  type ResolvedManifest,
} from './plugin-indexes.js';
export { chooseVersion, findIndexPlugin, isCompatible, resolveManifestLocation, type ManifestRequest } from './resolve-plugin.js';
export { installResolvedPlugin, checkNotReserved, checkPluginCompatibility, type PluginInstallContext } from './install-plugin.js';
export {
  installedPluginForTool,
  listInstalledPlugins,
  readInstalledPlugin,
  removeInstalledPlugin,
  type InstalledPlugin,
  type InstallRecord,
} from './installed-plugins.js';
export { trustPromptText, isYes, PromptReader, type TrustDetails } from './trust-prompt.js';
export { schemaProblems, loadSchema } from './schema-validator.js';
export { describePermissions, permissionsBlock } from './permission-words.js';
export { scanPluginModule, describeScan, refuseBlocked } from './plugin-scan.js';
