/**
 * One `.prototools` file → a validated `ConfigLayer` (spec §7). Pure: the caller reads the file.
 *
 * Rules kept from proto (`crates/core/src/config.rs`): top-level scalars are version pins and must
 * be valid specs; unknown top-level tables are errors; `proto` cannot be a plugin id; relative
 * `file://` locators, env files and `root-cert` are relative to the file's directory.
 * Objects are built with `Object.fromEntries`, so a key such as `__proto__` stays plain data.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { ProtoError } from '../errors.js';
import { formatSpec, isAliasName, tryParseSpec } from '../version/index.js';
import type { ConfigLayer, EnvValue, JsonValue, PluginLocator, ToolSettings } from './config-types.js';
import { isPermission } from '../host/permissions.js';
import { parseSettings, describe, expectStringList, expectTable, type SettingsContext } from './parse-settings.js';
import { parsePluginLocator } from './plugin-locator.js';
import { isTable, parseTomlDocument, type TomlTable } from './read-toml.js';
import { isToolContext } from './tool-context.js';

export interface ParsedConfigFile {
  layer: ConfigLayer;
  /** Things ignored on purpose (unknown settings), for the CLI to print as warnings. */
  warnings: string[];
}

/** `[tools.<id>]` keys that are not plugin configuration. */
const RESERVED_TOOL_KEYS = new Set(['plugin', 'aliases', 'env', 'permissions']);
/** Top-level tables proto knows but we do not interpret yet. */
const ACCEPTED_UNUSED_TABLES = new Set(['backends']);
const RESERVED_PLUGIN_ID = 'proto';
const ENV_FILE_KEY = 'file';

/** Parses and validates the text of `file`. Throws `config.*` ProtoErrors naming the file and key. */
export function parseConfigText(text: string, file: string): ParsedConfigFile {
  return parseConfigDocument(parseTomlDocument(text, file), file);
}

export function parseConfigDocument(document: TomlTable, file: string): ParsedConfigFile {
  const context: SettingsContext = { file, dir: dirname(file), warnings: [] };
  const versions: [string, string][] = [];
  let plugins: ConfigLayer['plugins'] = { tools: {}, legacy: {}, backends: {}, hooks: {} };
  let tools: Record<string, ToolSettings> = {};
  let env: Record<string, EnvValue> = {};
  let envFiles: string[] = [];
  let settings: ConfigLayer['settings'] = {};
  let shell: ConfigLayer['shell'] = { aliases: {} };

  for (const [key, value] of Object.entries(document)) {
    switch (key) {
      case 'settings':
        settings = parseSettings(expectTable(value, 'settings', context), context);
        continue;
      case 'plugins':
        plugins = parsePlugins(expectTable(value, 'plugins', context), context);
        continue;
      case 'tools':
        tools = parseTools(expectTable(value, 'tools', context), context);
        continue;
      case 'env':
        ({ env, envFiles } = parseEnv(expectTable(value, 'env', context), '[env]', context));
        continue;
      case 'shell':
        shell = parseShell(expectTable(value, 'shell', context), context);
        continue;
    }
    if (isTable(value) || Array.isArray(value)) {
      if (ACCEPTED_UNUSED_TABLES.has(key)) {
        context.warnings.push(`${file}: "[${key}]" is not supported yet: it has no effect`);
        continue;
      }
      throw new ProtoError('config.unknown_field', `${file}: unknown field "${key}"`, {
        hint: 'Tables in .prototools are [plugins], [tools.<id>], [env], [shell], [settings] and [backends]; tool versions are top-level strings.',
      });
    }
    versions.push([key, parseVersionPin(key, value, context)]);
  }

  return {
    layer: { versions: Object.fromEntries(versions), plugins, tools, env, envFiles, settings, shell },
    warnings: context.warnings,
  };
}

function parseVersionPin(key: string, value: unknown, context: SettingsContext): string {
  if (!isToolContext(key)) {
    throw new ProtoError('config.invalid_tool_id', `${context.file}: "${key}" is not a valid tool id`, {
      hint: 'Tool ids use letters, digits, "-", "_", "." and "/", optionally with a backend prefix like "asdf:".',
    });
  }
  const spec = typeof value === 'string' ? tryParseSpec(value) : undefined;
  if (!spec) {
    throw new ProtoError(
      'config.invalid_version',
      `${context.file}: ${key} = ${describe(value)} is not a valid version spec`,
      { hint: `Pin ${key} to a version (1.2.3), a requirement (^1.2, ~20), a range (^1 || ^2) or an alias (latest).` },
    );
  }
  return formatSpec(spec);
}

function parsePlugins(table: TomlTable, context: SettingsContext): ConfigLayer['plugins'] {
  const legacy: [string, PluginLocator][] = [];
  let tools: Record<string, PluginLocator> = {};
  let backends: Record<string, PluginLocator> = {};
  let hooks: Record<string, PluginLocator> = {};
  for (const [key, value] of Object.entries(table)) {
    if (key === 'tools' && isTable(value)) tools = parseLocatorTable(value, '[plugins.tools]', context);
    else if (key === 'backends' && isTable(value)) {
      backends = parseLocatorTable(value, '[plugins.backends]', context);
      if (Object.keys(backends).length > 0) context.warnings.push(`${context.file}: "[plugins.backends]" is not supported yet: backend tools (asdf:…) cannot be used`);
    }
    else if (key === 'hooks' && isTable(value)) hooks = parseLocatorTable(value, '[plugins.hooks]', context);
    else legacy.push([key, parseLocatorEntry(key, value, '[plugins]', context)]);
  }
  return { tools, legacy: Object.fromEntries(legacy), backends, hooks };
}

function parseLocatorTable(table: TomlTable, section: string, context: SettingsContext): Record<string, PluginLocator> {
  return Object.fromEntries(
    Object.entries(table).map(([id, value]) => [id, parseLocatorEntry(id, value, section, context)] as const),
  );
}

function parseLocatorEntry(id: string, value: unknown, section: string, context: SettingsContext): PluginLocator {
  if (id === RESERVED_PLUGIN_ID) {
    throw new ProtoError('config.reserved_plugin_id', `${context.file}: "proto" is reserved and cannot be a plugin id (${section})`, {
      hint: 'Rename the plugin entry.',
    });
  }
  if (!isToolContext(id)) {
    throw new ProtoError('config.invalid_tool_id', `${context.file}: "${id}" in ${section} is not a valid plugin id`);
  }
  if (typeof value !== 'string') {
    throw new ProtoError('config.invalid_locator', `${context.file}: ${section} ${id} must be a locator string, got ${describe(value)}`);
  }
  return parsePluginLocator(value, context.dir, `${context.file} ${section} ${id}`);
}

function parseTools(table: TomlTable, context: SettingsContext): Record<string, ToolSettings> {
  return Object.fromEntries(
    Object.entries(table).map(([id, value]) => {
      if (!isToolContext(id)) {
        throw new ProtoError('config.invalid_tool_id', `${context.file}: [tools."${id}"] is not a valid tool id`);
      }
      return [id, parseToolSettings(id, expectTable(value, `tools.${id}`, context), context)] as const;
    }),
  );
}

function parseToolSettings(id: string, table: TomlTable, context: SettingsContext): ToolSettings {
  const settings: ToolSettings = { toolConfig: {}, aliases: {}, env: {}, envFiles: [] };
  const config: [string, JsonValue][] = [];
  for (const [key, value] of Object.entries(table)) {
    if (!RESERVED_TOOL_KEYS.has(key)) {
      config.push([key, toJson(value)]);
    } else if (key === 'aliases') {
      settings.aliases = parseAliases(id, expectTable(value, `tools.${id}.aliases`, context), context);
    } else if (key === 'env') {
      const parsed = parseEnv(expectTable(value, `tools.${id}.env`, context), `[tools.${id}.env]`, context);
      settings.env = parsed.env;
      settings.envFiles = parsed.envFiles;
    } else if (key === 'permissions') {
      settings.permissions = parsePermissions(id, value, context);
    } else {
      settings.plugin = parseLocatorEntry(id, value, `[tools.${id}] plugin`, context);
    }
  }
  settings.toolConfig = Object.fromEntries(config);
  return settings;
}

/** `[tools.<id>] permissions`: a list of permissions in the host's grammar, each checked now. */
function parsePermissions(id: string, value: unknown, context: SettingsContext): string[] {
  const where = `tools.${id}.permissions`;
  const list = expectStringList(value, where, context);
  const invalid = list.filter((permission) => !isPermission(permission));
  if (invalid.length > 0) {
    throw new ProtoError('config.invalid_setting', `${context.file}: [tools.${id}] permissions: ${invalid.map((p) => JSON.stringify(p)).join(', ')} ${invalid.length === 1 ? 'is not a permission' : 'are not permissions'}`, {
      hint: 'Permissions are exec:<program>, net:<host>, env:read[:<NAME>], env:write[:<NAME>], fs:home and fs:cwd (exec:* and net:* allow any); see the README section "Plugin permissions".',
    });
  }
  return [...new Set(list)];
}

function parseAliases(id: string, table: TomlTable, context: SettingsContext): Record<string, string> {
  return Object.fromEntries(
    Object.entries(table).map(([alias, value]) => {
      if (!isAliasName(alias)) {
        throw new ProtoError('config.invalid_alias', `${context.file}: [tools.${id}.aliases] "${alias}" is not a valid alias name`, {
          hint: 'Alias names start with a letter and use letters, digits, "-", "_", ".", "/" and "*".',
        });
      }
      const spec = typeof value === 'string' ? tryParseSpec(value) : undefined;
      if (!spec) {
        throw new ProtoError(
          'config.invalid_version',
          `${context.file}: [tools.${id}.aliases] ${alias} = ${describe(value)} is not a valid version spec`,
        );
      }
      return [alias, formatSpec(spec)] as const;
    }),
  );
}

/** `[shell]`: `aliases` (name → command); other keys are warned about, not used. */
function parseShell(table: TomlTable, context: SettingsContext): ConfigLayer['shell'] {
  const aliases: [string, string][] = [];
  for (const [key, value] of Object.entries(table)) {
    if (key !== 'aliases') {
      context.warnings.push(`${context.file}: unknown setting "shell.${key}" was ignored`);
      continue;
    }
    for (const [name, command] of Object.entries(expectTable(value, 'shell.aliases', context))) {
      if (typeof command !== 'string') {
        throw new ProtoError('config.invalid_setting', `${context.file}: shell.aliases.${name} must be a command string, got ${describe(command)}`, {
          hint: `Write it as ${name} = "the command".`,
        });
      }
      aliases.push([name, command]);
    }
  }
  return { aliases: Object.fromEntries(aliases) };
}

/** `[env]`: strings set, `true` sets "true", `false` removes; `file` names a dotenv file. */
function parseEnv(table: TomlTable, section: string, context: SettingsContext): { env: Record<string, EnvValue>; envFiles: string[] } {
  const env: [string, EnvValue][] = [];
  const envFiles: string[] = [];
  for (const [name, value] of Object.entries(table)) {
    if (name === ENV_FILE_KEY && typeof value === 'string') {
      envFiles.push(isAbsolute(value) ? value : resolve(context.dir, value));
    } else if (typeof value === 'string') {
      env.push([name, value]);
    } else if (typeof value === 'boolean') {
      env.push([name, value ? 'true' : false]);
    } else {
      throw new ProtoError('config.invalid_env', `${context.file}: ${section} ${name} must be a string or a boolean, got ${describe(value)}`);
    }
  }
  return { env: Object.fromEntries(env), envFiles };
}

/** TOML values as JSON for plugins: dates become their TOML text (`2024-01-01`). */
function toJson(value: unknown): JsonValue {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJson);
  if (isTable(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toJson(item)] as const));
  return value as JsonValue;
}
