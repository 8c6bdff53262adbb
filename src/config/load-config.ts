/**
 * Finds and reads `.prototools` files (spec §6.4 step 2, §7): from the cwd upward, each directory
 * giving `.prototools.<PROTO_ENV>` (when PROTO_ENV is set) then `.prototools`, then the global
 * `<protoHome>/.prototools`. The I/O edge of this module; parsing and merging are pure.
 *
 * Trust: config files are the user's own — files owned by another user are skipped with a warning
 * (trusted-owner.ts). Their content is validated (types, specs, locators) so a mistake fails
 * early with the file and key, not because anything in them is hostile.
 */
import { accessSync, closeSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ProtoError } from '../errors.js';
import { CONFIG_FILE_NAME, emptyLayer, type ConfigFileEntry, type ConfigLocation, type ConfigMode, type ProtoConfig } from './config-types.js';
import { mergeConfigLayers, mergeSettings } from './merge-config.js';
import { parseConfigText } from './parse-config-layer.js';
import { settingsFromEnv } from './parse-settings.js';
import { isInsideDir } from '../store/inside-dir.js';
import { openRegularFile } from '../regular-file.js';
import { untrustedOwnerReason } from './trusted-owner.js';

export { CONFIG_FILE_NAME };
/** proto's own pin: ignored outside local files, or `proto` shims would chain into themselves. */
const PROTO_TOOL_ID = 'proto';

export interface LoadConfigOptions {
  /** Where the walk starts (absolute). */
  cwd: string;
  /** The store root (`~/.proto`); its `.prototools` is the global config. */
  protoHome: string;
  /** Reads `PROTO_ENV` and the settings overrides (`PROTO_AUTO_INSTALL`, ...). Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * The user's home. When the cwd is inside it, the walk stops there (as proto does) and that
   * directory's file has location `user`; otherwise the walk goes up to the root.
   */
  homeDir?: string;
  /** Whether the global file takes part (proto's `upwards-global` vs `upwards` config modes). Default true. */
  includeGlobal?: boolean;
  /** Which files take part; wins over `includeGlobal`. Default `upwards-global`. */
  mode?: ConfigMode;
}

export interface LoadedConfig {
  /** Every candidate file in detection order: cwd first, global last; missing files included. */
  files: ConfigFileEntry[];
  /** The existing files merged (global lowest, cwd highest), then the settings env vars. */
  config: ProtoConfig;
  /** Things ignored on purpose (unknown settings), one line each. */
  warnings: string[];
}

export interface ConfigCandidate {
  path: string;
  dir: string;
  location: ConfigLocation;
  envMode?: string;
}

/** The candidate files, in detection order. Pure: `env` (only `PROTO_ENV` is read) defaults to none. */
export function configCandidates(options: Omit<LoadConfigOptions, 'includeGlobal'> & { includeGlobal?: boolean }): ConfigCandidate[] {
  const envMode = options.env?.PROTO_ENV || undefined;
  const start = resolve(options.cwd);
  const home = options.homeDir === undefined ? undefined : resolve(options.homeDir);
  const stopAt = home !== undefined && isInsideDir(start, home) ? home : undefined;
  const mode = options.mode ?? (options.includeGlobal === false ? 'upwards' : 'upwards-global');
  const candidates: ConfigCandidate[] = [];
  for (let dir = start; mode !== 'global'; dir = dirname(dir)) {
    const location: ConfigLocation = dir === stopAt ? 'user' : 'local';
    if (envMode) candidates.push({ path: join(dir, `${CONFIG_FILE_NAME}.${envMode}`), dir, location, envMode });
    candidates.push({ path: join(dir, CONFIG_FILE_NAME), dir, location });
    if (mode === 'local' || dir === stopAt || dirname(dir) === dir) break;
  }
  if (mode === 'global' || mode === 'upwards-global') {
    const dir = resolve(options.protoHome);
    candidates.push({ path: join(dir, CONFIG_FILE_NAME), dir, location: 'global' });
  }
  return candidates;
}

/** Reads every candidate file and merges them. Throws `config.*` ProtoErrors naming the file. */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const env = options.env ?? process.env;
  const candidates = configCandidates({ ...options, env });
  const warnings: string[] = [];
  const files = await Promise.all(
    candidates.map(async (candidate): Promise<ConfigFileEntry> => {
      const read = await readConfigFile(candidate.path, candidate.dir, env);
      const base = { path: candidate.path, dir: candidate.dir, location: candidate.location, ...(candidate.envMode ? { envMode: candidate.envMode } : {}) };
      if (read && 'skipped' in read) warnings.push(read.skipped);
      if (read === undefined || 'skipped' in read) return { ...base, exists: false, config: emptyLayer() };
      const text = read.text;
      const parsed = parseConfigText(text, candidate.path);
      warnings.push(...parsed.warnings);
      const config = parsed.layer;
      if (candidate.location !== 'local' && Object.hasOwn(config.versions, PROTO_TOOL_ID)) {
        config.versions = Object.fromEntries(Object.entries(config.versions).filter(([id]) => id !== PROTO_TOOL_ID));
      }
      await checkEnvFiles(candidate.path, [...config.envFiles, ...Object.values(config.tools).flatMap((tool) => tool.envFiles)]);
      return { ...base, exists: true, config };
    }),
  );
  const layers = files.filter((file) => file.exists).map((file) => file.config).reverse();
  const config: ProtoConfig = {
    ...mergeConfigLayers(layers),
    // Env vars override every file, as proto's `#[setting(env = ...)]` do.
    settings: mergeSettings([...layers.map((layer) => layer.settings), settingsFromEnv(env)]),
  };
  return { files, config, warnings };
}

/**
 * The file's text; undefined when it does not exist; `skipped` (a warning) when another user owns
 * it (trusted-owner.ts). The owner is checked on the open file, so it cannot be swapped between
 * the check and the read. Read synchronously, as the other small files on every command's path
 * are: an asynchronous read costs a round trip through libuv's thread pool (and starting that
 * pool), which is most of a cold command's I/O time.
 */
async function readConfigFile(
  path: string,
  dir: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ text: string } | { skipped: string } | undefined> {
  try {
    const opened = openRegularFile(path);
    if (!opened) return undefined;
    try {
      const skipped = untrustedOwnerReason(path, dir, opened.stat.uid, env);
      if (skipped) return { skipped };
      return { text: readFileSync(opened.fd, 'utf8') };
    } finally {
      closeSync(opened.fd);
    }
  } catch (error) {
    if (error instanceof ProtoError) throw error;
    throw new ProtoError('config.read_failed', `Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** proto refuses a config whose `[env] file = ...` does not exist; so do we, naming both files. */
async function checkEnvFiles(configPath: string, envFiles: readonly string[]): Promise<void> {
  for (const file of envFiles) {
    try {
      accessSync(file);
    } catch {
      throw new ProtoError('config.missing_env_file', `${configPath}: the env file ${file} does not exist`, {
        hint: 'Create the file or remove the `file` entry from [env].',
      });
    }
  }
}
