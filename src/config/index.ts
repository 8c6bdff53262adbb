/**
 * `.prototools`: find and read (cwd upward, env files, global), validate, merge, and edit in
 * place. Reading and writing files happen in `load-config.ts` and `edit-config.ts`; the rest is pure.
 */
export * from './config-types.js';
export { configCandidates, loadConfig, type ConfigCandidate, type LoadConfigOptions, type LoadedConfig } from './load-config.js';
export { parseConfigText, parseConfigDocument, type ParsedConfigFile } from './parse-config-layer.js';
export { mergeConfigLayers, mergeSettings, DEFAULT_SETTINGS } from './merge-config.js';
export { settingsFromEnv } from './parse-settings.js';
export { parsePluginLocator } from './plugin-locator.js';
export { isToolContext } from './tool-context.js';
export { parseTomlDocument } from './read-toml.js';
export { setTomlString, removeTomlKey } from './toml-edit.js';
export { pinVersion, unpinVersion, setAlias, removeAlias, addPluginLocator, removePluginLocator } from './edit-config.js';
export { pluginLocatorFor } from './plugin-lookup.js';
export { parseDotenv, readDotenv } from './dotenv.js';
