import type { PluginLocator, ProtoConfig } from './config-types.js';

/**
 * The configured plugin for a tool (spec §6.2): `[tools.<id>] plugin` (0.60+), then
 * `[plugins.tools]`, then the flat legacy `[plugins]`. Undefined means "use a builtin or fail".
 */
export function pluginLocatorFor(config: Pick<ProtoConfig, 'tools' | 'plugins'>, id: string): PluginLocator | undefined {
  const own = Object.hasOwn(config.tools, id) ? config.tools[id]?.plugin : undefined;
  return own ?? (Object.hasOwn(config.plugins, id) ? config.plugins[id] : undefined);
}
