/** Where plugins come from: locators, built-in tools, the plugin cache. */
export { builtinPluginUrl, BUILTIN_TOOL_IDS } from './builtin-tools.js';
export { pluginFile, DEFAULT_PLUGIN_CACHE_SECONDS, type PluginFileOptions } from './plugin-cache.js';
