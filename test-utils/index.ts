/** Test utilities for proto-compatible tool plugins. Keep this an export list. */
export { createSandbox, type Sandbox } from './sandbox.js';
export { startDistServer, type DistFault, type DistRequest, type DistServer, type DistServerOptions } from './dist-server.js';
export { urlRewritesFor, type UrlRewriteOptions } from './url-rewrites.js';
export { createPlugin, type ContextArg, type CreatePluginOptions, type PathArg, type PluginTestWrapper } from './plugin-wrapper.js';
export { assertJsonSnapshot, snapshotPath, lineDiff, type SnapshotOptions } from './snapshots.js';
export { expandGlobalsLookupDirs, locateGlobalsDir, type GlobalsLookupContext } from './globals-dir.js';
export {
  defineGeneratedSuite,
  type GeneratedSuite,
  type GeneratedTestContext,
  type PluginSuiteOptions,
  type SuiteSetup,
} from './generators/suite.js';
export { generateDownloadInstallTests } from './generators/download-install.js';
export { generateNativeInstallTests } from './generators/native-install.js';
export { generateResolveVersionsTests } from './generators/resolve-versions.js';
export { generateShimsTest } from './generators/shims.js';
export { generateGlobalsTest, packageName } from './generators/globals.js';
