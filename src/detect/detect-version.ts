/**
 * Which version of a tool applies here (plugin-api §7.1, §5.3; `crates/core/src/flow/detect.rs`):
 *
 * 1. `PROTO_<ID>_VERSION` when set and non-empty;
 * 2. the config entries in order (cwd first, each directory's `.prototools.<env>` before its
 *    `.prototools`, the global file last), by strategy:
 *    - `first-available`: per entry, its pin for the tool, then the plugin's version files in
 *      that entry's directory;
 *    - `prefer-prototools`: every pin first, then version files entry by entry;
 *    - `only-prototools`: pins only.
 *
 * Entries are taken literally, as proto does: with PROTO_ENV set, a directory's version files are
 * looked at right after its `.prototools.<env>` entry, so before its plain `.prototools` pin.
 *
 * Trust: env vars and config pins are the user's; version files are project content and the
 * plugin's answers are plugin output, so both are parsed as untrusted specs (an invalid one is
 * a `detect.invalid_version` error naming its source, as in proto).
 */
import { closeSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DetectStrategy } from '../config/index.js';
import { ProtoError } from '../errors.js';
import { formatBytes } from '../format-bytes.js';
import { LIMITS, limitSetting, MIB } from '../limits.js';
import { openRegularFile } from '../regular-file.js';
import { formatSpec, tryParseSpec } from '../version/index.js';
import { toEnvVarName } from './env-var-name.js';

/** The two optional plugin functions detection uses, as the host exposes them. */
export interface VersionFilePlugin {
  /** `detect_version_files`; absent when the plugin does not export it. Called at most once per detection. */
  detectVersionFiles?(): Promise<{ files?: readonly string[]; ignore?: readonly string[] }>;
  /**
   * `parse_version_file`; absent when the plugin does not export it. `path` is the real absolute
   * path: the host adapter turns it into the virtual path the plugin expects.
   */
  parseVersionFile?(input: { content: string; file: string; path: string }): Promise<{ version?: string | null }>;
}

/** What detection needs of a config entry (`ConfigFileEntry` from src/config fits). */
export interface DetectConfigFile {
  path: string;
  config: { versions: Readonly<Record<string, string>> };
}

export interface DetectVersionOptions {
  toolId: string;
  /** Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** In detection order, as `loadConfig().files` returns them: one entry per walked directory. */
  configFiles: readonly DetectConfigFile[];
  /** Default `first-available`. */
  strategy?: DetectStrategy;
  plugin?: VersionFilePlugin;
  /** The largest version file read (default: `[settings.limits] version-file`). */
  maxVersionFileBytes?: number;
}

export interface DetectedVersion {
  /** Canonical spec (`~20`, `1.2.3`, `lts-*`). */
  spec: string;
  /** `env`, or the path of the file it came from. */
  source: string;
  kind: 'env' | 'prototools' | 'version-file';
}

/** The first version that applies, or undefined when nothing names one (proto's `FailedVersionDetect`). */
export async function detectVersion(options: DetectVersionOptions): Promise<DetectedVersion | undefined> {
  const fromEnv = detectFromEnv(options);
  if (fromEnv) return fromEnv;
  const strategy = options.strategy ?? 'first-available';
  const versionFiles = new VersionFileDetector(options.plugin, options.maxVersionFileBytes ?? LIMITS.versionFile.default * MIB);
  const files = options.configFiles;

  if (strategy === 'first-available') {
    for (const file of files) {
      const found = pinIn(file, options.toolId) ?? (await versionFiles.detectIn(dirname(file.path)));
      if (found) return found;
    }
    return undefined;
  }
  for (const file of files) {
    const found = pinIn(file, options.toolId);
    if (found) return found;
  }
  if (strategy === 'only-prototools') return undefined;
  for (const file of files) {
    const found = await versionFiles.detectIn(dirname(file.path));
    if (found) return found;
  }
  return undefined;
}

function detectFromEnv(options: DetectVersionOptions): DetectedVersion | undefined {
  const name = toEnvVarName(options.toolId);
  const value = (options.env ?? process.env)[name];
  if (value === undefined || value === '') return undefined;
  return { spec: parseDetected(value, `the environment variable ${name}`), source: 'env', kind: 'env' };
}

function pinIn(file: DetectConfigFile, toolId: string): DetectedVersion | undefined {
  const versions = file.config.versions;
  if (!Object.hasOwn(versions, toolId)) return undefined;
  return { spec: parseDetected(versions[toolId]!, file.path), source: file.path, kind: 'prototools' };
}

/** Canonical form of a detected spec; invalid text is an error naming where it was found. */
function parseDetected(value: string, where: string): string {
  const spec = tryParseSpec(value);
  if (!spec) {
    throw new ProtoError('detect.invalid_version', `Invalid version "${value}" in ${where}`, {
      hint: 'Use a version (1.2.3), a requirement (^1.2, ~20), a range (^1 || ^2) or an alias (latest).',
    });
  }
  return formatSpec(spec);
}

/** The plugin's version files, asked for once; each directory looked at once. */
class VersionFileDetector {
  private listing: Promise<{ files: readonly string[]; ignore: readonly string[] }> | undefined;
  private readonly byDir = new Map<string, Promise<DetectedVersion | undefined>>();

  constructor(
    private readonly plugin: VersionFilePlugin | undefined,
    private readonly maxFileBytes: number,
  ) {}

  detectIn(dir: string): Promise<DetectedVersion | undefined> {
    let result = this.byDir.get(dir);
    if (!result) {
      result = this.scan(dir);
      this.byDir.set(dir, result);
    }
    return result;
  }

  private async scan(dir: string): Promise<DetectedVersion | undefined> {
    const plugin = this.plugin;
    if (!plugin?.detectVersionFiles) return undefined;
    this.listing ??= plugin.detectVersionFiles().then((output) => ({ files: output.files ?? [], ignore: output.ignore ?? [] }));
    const { files, ignore } = await this.listing;
    // proto's rule: an ignore entry anywhere in the directory path (e.g. "node_modules") skips it.
    if (ignore.some((pattern) => pattern !== '' && dir.includes(pattern))) return undefined;
    for (const file of files) {
      const path = join(dir, file);
      const content = (await readVersionFile(path, this.maxFileBytes))?.trim();
      if (!content) continue;
      if (plugin.parseVersionFile) {
        const output = await plugin.parseVersionFile({ content, file, path });
        if (output.version === undefined || output.version === null) continue;
        return { spec: parseDetected(output.version, `${path} (as read by the plugin)`), source: path, kind: 'version-file' };
      }
      return { spec: parseDetected(content, path), source: path, kind: 'version-file' };
    }
    return undefined;
  }
}

/**
 * The file's text, or undefined when there is no such file (or it is a directory). A version file
 * is project content: one larger than the limit is refused unread (every shim run reads it).
 */
async function readVersionFile(path: string, maxBytes: number): Promise<string | undefined> {
  try {
    // Synchronous: most candidates do not exist, and a failed open costs microseconds where a
    // trip through libuv's thread pool costs a context switch or two.
    const opened = openRegularFile(path);
    if (!opened) return undefined;
    try {
      if (opened.stat.size > maxBytes) {
        throw new ProtoError('detect.version_file_too_large', `${path} is ${formatBytes(opened.stat.size)}; a version file may have at most ${formatBytes(maxBytes)}.`, {
          hint: `A version file holds one version: check what wrote this one. If it is right, raise ${limitSetting('versionFile')} in .prototools.`,
        });
      }
      return readFileSync(opened.fd, 'utf8');
    } finally {
      closeSync(opened.fd);
    }
  } catch (error) {
    if (error instanceof ProtoError) throw error;
    throw new ProtoError('detect.read_failed', `Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}
