/**
 * `[settings]` of one file (spec §7, `crates/core/src/settings/settings.rs`), and the env vars
 * proto lets override them. Values are the user's own and trusted, but still type-checked so a
 * typo fails with the file and key instead of deep inside an install.
 */
import { resolve } from 'node:path';
import { ProtoError } from '../errors.js';
import { LIMITS, type LimitDefinition, type LimitName, type LimitValues } from '../limits.js';
import {
  DETECT_STRATEGIES,
  type DetectStrategy,
  type HttpConfigSettings,
  type OfflineSettings,
  type PinLocation,
  type RegistryConfig,
  type SettingsLayer,
} from './config-types.js';
import { isTable, type TomlTable } from './read-toml.js';
import { ENV_SWITCH_WORDS, envSwitch } from '../env-switch.js';

export interface SettingsContext {
  file: string;
  dir: string;
  warnings: string[];
}

/** proto's names and aliases (`store`, `cwd`, `home`) for `pin-latest`. */
const PIN_LOCATIONS = new Map<string, PinLocation>([
  ['global', 'global'],
  ['store', 'global'],
  ['local', 'local'],
  ['cwd', 'local'],
  ['user', 'user'],
  ['home', 'user'],
]);

/** Settings proto knows that we accept but cannot honour yet: each use is warned about, never silent. */
const ACCEPTED_UNUSED = new Set(['build', 'builtin-backends']);

function notSupported(context: SettingsContext, where: string): void {
  context.warnings.push(`${context.file}: "${where}" is not supported yet: it has no effect`);
}

export function parseSettings(table: TomlTable, context: SettingsContext): SettingsLayer {
  const layer: SettingsLayer = {};
  for (const [key, value] of Object.entries(table)) {
    const where = `settings.${key}`;
    switch (key) {
      case 'auto-clean':
        layer.autoClean = expectBoolean(value, where, context);
        break;
      case 'auto-install':
        layer.autoInstall = expectBoolean(value, where, context);
        break;
      case 'builtin-plugins':
      case 'builtin-tools':
        layer.builtinPlugins = typeof value === 'boolean' ? value : expectStringList(value, where, context);
        break;
      case 'cache-duration':
        layer.cacheDuration = expectCount(value, where, context);
        break;
      case 'detect-strategy':
        layer.detectStrategy = expectDetectStrategy(value, where, context);
        break;
      case 'lockfile':
      case 'unstable-lockfile':
        layer.lockfile = expectBoolean(value, where, context);
        break;
      case 'pin-latest':
        layer.pinLatest = expectPinLocation(value, where, context);
        break;
      case 'telemetry':
        layer.telemetry = expectBoolean(value, where, context);
        break;
      case 'url-rewrites':
        layer.urlRewrites = parseUrlRewrites(value, where, context);
        break;
      case 'plugin-index':
        layer.pluginIndex = (typeof value === 'string' ? [value] : expectStringList(value, where, context)).map((written) => ({
          written,
          baseDir: context.dir,
        }));
        if (layer.pluginIndex.length === 0) throw invalidSetting(context, where, 'an index location or a non-empty list of them', value);
        break;
      case 'registries':
      case 'unstable-registries':
        layer.registries = parseRegistries(value, where, context);
        break;
      case 'plugin-timeouts':
        layer.pluginTimeouts = parsePluginTimeouts(value, where, context);
        break;
      case 'http':
        layer.http = parseHttp(expectTable(value, where, context), context);
        break;
      case 'offline':
        layer.offline = parseOffline(expectTable(value, where, context), context);
        break;
      case 'limits':
        layer.limits = parseLimits(expectTable(value, where, context), context);
        break;
      default:
        if (ACCEPTED_UNUSED.has(key)) notSupported(context, where);
        else context.warnings.push(`${context.file}: unknown setting "${where}" was ignored`);
    }
  }
  return layer;
}

/** `registries = [{ registry, namespace?, auth?, default? }]` (also written `[[settings.registries]]`). */
function parseRegistries(value: unknown, where: string, context: SettingsContext): RegistryConfig[] {
  if (!Array.isArray(value)) throw invalidSetting(context, where, 'a list of tables { registry, namespace, auth, default }', value);
  return value.map((item, index) => {
    const at = `${where}[${index}]`;
    const table = expectTable(item, at, context);
    const registry: RegistryConfig = { registry: '', auth: false, default: false };
    for (const [key, field] of Object.entries(table)) {
      switch (key) {
        case 'registry':
          registry.registry = expectString(field, `${at}.registry`, context).trim();
          break;
        case 'namespace':
          registry.namespace = expectString(field, `${at}.namespace`, context).trim() || undefined;
          break;
        case 'auth':
          registry.auth = expectBoolean(field, `${at}.auth`, context);
          break;
        case 'default':
          registry.default = expectBoolean(field, `${at}.default`, context);
          break;
        default:
          context.warnings.push(`${context.file}: unknown setting "${at}.${key}" was ignored`);
      }
    }
    // A host, optionally with a port: no scheme, path or spaces (the scheme is ours to pick).
    if (!/^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9a-fA-F:]+\](:\d+)?$/.test(registry.registry)) {
      throw invalidSetting(context, `${at}.registry`, 'a registry host such as "ghcr.io" or "127.0.0.1:5000"', table.registry);
    }
    if (registry.namespace !== undefined && !/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(registry.namespace)) {
      throw invalidSetting(context, `${at}.namespace`, 'a repository namespace such as "moonrepo"', registry.namespace);
    }
    return registry;
  });
}

function parsePluginTimeouts(value: unknown, where: string, context: SettingsContext): Record<string, number> {
  const timeouts: Record<string, number> = {};
  for (const [id, seconds] of Object.entries(expectTable(value, where, context))) {
    const count = expectCount(seconds, `${where}.${id}`, context);
    if (count === 0) throw invalidSetting(context, `${where}.${id}`, 'a number of seconds above 0', seconds);
    timeouts[id] = count;
  }
  return timeouts;
}

function parseHttp(table: TomlTable, context: SettingsContext): Partial<HttpConfigSettings> {
  const http: Partial<HttpConfigSettings> = {};
  for (const [key, value] of Object.entries(table)) {
    const where = `settings.http.${key}`;
    switch (key) {
      case 'allow-invalid-certs':
        http.allowInvalidCerts = expectBoolean(value, where, context);
        break;
      case 'proxies':
        http.proxies = expectStringList(value, where, context);
        break;
      case 'secure-proxies':
        http.secureProxies = expectStringList(value, where, context);
        break;
      case 'root-cert':
        http.rootCert = resolve(context.dir, expectString(value, where, context));
        break;
      case 'retry-count':
        http.retryCount = expectCount(value, where, context);
        break;
      case 'timeout':
        http.timeout = expectCount(value, where, context);
        break;
      default:
        context.warnings.push(`${context.file}: unknown setting "${where}" was ignored`);
    }
  }
  return http;
}

function parseOffline(table: TomlTable, context: SettingsContext): Partial<OfflineSettings> {
  const offline: Partial<OfflineSettings> = {};
  for (const [key, value] of Object.entries(table)) {
    const where = `settings.offline.${key}`;
    switch (key) {
      case 'timeout':
        offline.timeout = expectCount(value, where, context);
        break;
      case 'custom-hosts':
        offline.customHosts = expectStringList(value, where, context);
        break;
      case 'override-default-hosts':
        offline.overrideDefaultHosts = expectBoolean(value, where, context);
        break;
      default:
        context.warnings.push(`${context.file}: unknown setting "${where}" was ignored`);
    }
  }
  return offline;
}

const LIMIT_BY_KEY = new Map<string, LimitName>(Object.entries(LIMITS).map(([name, limit]) => [limit.key, name as LimitName]));

/** `[settings.limits]`: whole numbers in each limit's unit; 0 only where it means "no limit". */
function parseLimits(table: TomlTable, context: SettingsContext): Partial<LimitValues> {
  const limits: Partial<LimitValues> = {};
  for (const [key, value] of Object.entries(table)) {
    const where = `settings.limits.${key}`;
    const name = LIMIT_BY_KEY.get(key);
    if (name === undefined) {
      context.warnings.push(`${context.file}: unknown setting "${where}" was ignored (known: ${[...LIMIT_BY_KEY.keys()].join(', ')})`);
      continue;
    }
    const limit: LimitDefinition = LIMITS[name];
    const count = expectCount(value, where, context);
    if (count === 0 && !limit.zeroDisables) throw invalidSetting(context, where, `a number of ${limit.unit} above 0`, value);
    limits[name] = count;
  }
  return limits;
}

/**
 * Keeps file order (rules apply in order). Patterns are written for Rust's regex crate; its
 * `(?P<name>…)` groups are rewritten to JavaScript's `(?<name>…)`, and a pattern JavaScript
 * cannot compile is an error now rather than at the first download.
 */
function parseUrlRewrites(value: unknown, where: string, context: SettingsContext): [string, string][] {
  const table = expectTable(value, where, context);
  return Object.entries(table).map(([pattern, replacement]) => {
    const source = pattern.replace(/\(\?P</g, '(?<');
    try {
      new RegExp(source);
    } catch (error) {
      throw invalidSetting(context, `${where}."${pattern}"`, `a regular expression (${(error as Error).message})`, pattern);
    }
    return [source, expectString(replacement, `${where}."${pattern}"`, context)];
  });
}

/** `PROTO_AUTO_CLEAN`, `PROTO_AUTO_INSTALL`, `PROTO_DETECT_STRATEGY`, `PROTO_PIN_LATEST`, ... (proto's `#[setting(env)]`). */
export function settingsFromEnv(env: Readonly<Record<string, string | undefined>>): SettingsLayer {
  const layer: SettingsLayer = {};
  const read = (name: string) => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const bool = (name: string) => {
    const value = read(name);
    return value === undefined ? undefined : parseEnvBoolean(name, value);
  };
  const count = (name: string) => {
    const value = read(name);
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value)) throw invalidEnvSetting(name, value, 'a whole number');
    return Number(value);
  };
  const autoClean = bool('PROTO_AUTO_CLEAN');
  if (autoClean !== undefined) layer.autoClean = autoClean;
  const autoInstall = bool('PROTO_AUTO_INSTALL');
  if (autoInstall !== undefined) layer.autoInstall = autoInstall;
  const telemetry = bool('PROTO_TELEMETRY');
  if (telemetry !== undefined) layer.telemetry = telemetry;
  const cacheDuration = count('PROTO_CACHE_DURATION');
  if (cacheDuration !== undefined) layer.cacheDuration = cacheDuration;
  const offlineTimeout = count('PROTO_OFFLINE_TIMEOUT');
  const offlineHosts = read('PROTO_OFFLINE_HOSTS');
  const overrideHosts = bool('PROTO_OFFLINE_OVERRIDE_HOSTS');
  if (offlineTimeout !== undefined || offlineHosts !== undefined || overrideHosts !== undefined) {
    layer.offline = {
      ...(offlineTimeout !== undefined ? { timeout: offlineTimeout } : {}),
      ...(offlineHosts !== undefined ? { customHosts: offlineHosts.split(',').map((host) => host.trim()).filter(Boolean) } : {}),
      ...(overrideHosts !== undefined ? { overrideDefaultHosts: overrideHosts } : {}),
    };
  }
  const strategy = read('PROTO_DETECT_STRATEGY');
  if (strategy !== undefined) {
    if (!(DETECT_STRATEGIES as readonly string[]).includes(strategy)) {
      throw invalidEnvSetting('PROTO_DETECT_STRATEGY', strategy, DETECT_STRATEGIES.join(', '));
    }
    layer.detectStrategy = strategy as DetectStrategy;
  }
  const pinLatest = read('PROTO_PIN_LATEST');
  if (pinLatest !== undefined) {
    const location = PIN_LOCATIONS.get(pinLatest);
    if (!location) throw invalidEnvSetting('PROTO_PIN_LATEST', pinLatest, [...PIN_LOCATIONS.keys()].join(', '));
    layer.pinLatest = location;
  }
  return layer;
}

function parseEnvBoolean(name: string, value: string): boolean {
  const on = envSwitch(value);
  if (on === undefined) throw invalidEnvSetting(name, value, ENV_SWITCH_WORDS);
  return on;
}

function invalidEnvSetting(name: string, value: string, expected: string): ProtoError {
  return new ProtoError('config.invalid_setting', `The environment variable ${name}="${value}" must be ${expected}`, {
    hint: `Unset ${name} or give it a valid value.`,
  });
}

// ---------------------------------------------------------------- typed readers

export function expectBoolean(value: unknown, where: string, context: SettingsContext): boolean {
  if (typeof value !== 'boolean') throw invalidSetting(context, where, 'true or false', value);
  return value;
}

export function expectString(value: unknown, where: string, context: SettingsContext): string {
  if (typeof value !== 'string') throw invalidSetting(context, where, 'a string', value);
  return value;
}

export function expectStringList(value: unknown, where: string, context: SettingsContext): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw invalidSetting(context, where, 'a list of strings', value);
  }
  return [...(value as string[])];
}

export function expectCount(value: unknown, where: string, context: SettingsContext): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalidSetting(context, where, 'a whole number of 0 or more', value);
  }
  return value;
}

export function expectTable(value: unknown, where: string, context: SettingsContext): TomlTable {
  if (!isTable(value)) throw invalidSetting(context, where, 'a table', value);
  return value;
}

function expectDetectStrategy(value: unknown, where: string, context: SettingsContext): DetectStrategy {
  if (typeof value !== 'string' || !(DETECT_STRATEGIES as readonly string[]).includes(value)) {
    throw invalidSetting(context, where, `one of ${DETECT_STRATEGIES.join(', ')}`, value);
  }
  return value as DetectStrategy;
}

function expectPinLocation(value: unknown, where: string, context: SettingsContext): PinLocation {
  const location = typeof value === 'string' ? PIN_LOCATIONS.get(value) : undefined;
  if (!location) throw invalidSetting(context, where, 'global, local or user', value);
  return location;
}

export function invalidSetting(context: SettingsContext, where: string, expected: string, value: unknown): ProtoError {
  return new ProtoError('config.invalid_setting', `${context.file}: ${where} must be ${expected}, got ${describe(value)}`, {
    hint: `Fix ${where} in ${context.file}.`,
  });
}

export function describe(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return JSON.stringify(value);
  if (isTable(value)) return 'a table';
  if (Array.isArray(value)) return 'a list';
  return String(value);
}
