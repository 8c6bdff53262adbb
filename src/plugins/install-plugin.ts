/**
 * Installing one plugin version whose manifest has been read (from an index, `--file` or
 * `--url`): every check that needs no download, then the trust prompt (with the permissions the
 * manifest declares), then download → sha256 → unpack → import scan (modules) → load once → commit.
 * Nothing is written under `plugins/installed/<name>` until the module has loaded; a refusal at
 * any step leaves no file behind.
 *
 * A package is a `.wasm`, an archive holding one, or a schema plugin (`.toml`, `.json`, `.jsonc`,
 * `.yaml`, `.yml`: proto's Non-WASM format, run on the host). A schema plugin is validated and
 * loaded once like a module, and stored as `plugin.<ext>` so lookup loads it by its extension.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { ProtoError } from '../errors.js';
import { detectArchiveKind } from '../install/archive-kind.js';
import { lastUrlSegment } from '../install/file-names.js';
import type { InstallSettings } from '../install/install-settings.js';
import type { InstallPluginPort } from '../install/plugin-port.js';
import { isLoopbackHost } from '../net/url-policy.js';
import { isSchemaPluginPath, parseSchemaText } from '../schema/read-schema.js';
import { parseToolSchema } from '../schema/tool-schema.js';
import type { Store } from '../store/index.js';
import { checkCompatibility } from './compatibility.js';
import { downloadResource, rewrittenUrl } from './fetch-resource.js';
import {
  commitInstalledPlugin,
  createStagingDir,
  LICENSE_FILE,
  listInstalledPlugins,
  MANIFEST_FILE,
  pluginFileName,
  WASM_FILE,
  writeInstallRecord,
  type InstalledPlugin,
  type InstallRecord,
} from './installed-plugins.js';
import type { PluginManifest } from './manifest.js';
import { permissionsBlock } from './permission-words.js';
import { refuseBlocked } from './plugin-scan.js';
import { compilePluginModule, retainModule, scanImports, type PluginLimits } from '../host/index.js';
import type { ResolvedManifest } from './plugin-indexes.js';
import { selectPackage, type Platform } from './platform.js';
import { trustPromptText } from './trust-prompt.js';

export interface PluginInstallContext {
  store: Store;
  settings: InstallSettings;
  /** This CLI's version, checked against `protoCompatibility`. */
  hostVersion: string;
  platform: Platform;
  /** The CLI's command names: a plugin may not take one. */
  reservedNames: ReadonlySet<string>;
  /** Skip the trust prompt (`-y`). */
  yes: boolean;
  /** Install even when the compatibility rule excludes this proto (with a warning). */
  overrideCompatibility: boolean;
  /** What to suggest when the compatibility rule refuses (default: the override flag). */
  incompatibleHint?: string;
  /** Shows the prompt and answers whether to proceed. */
  confirm: (prompt: string) => Promise<boolean>;
  /** `[settings.limits]`: the import scan compiles the module under them, and `verifyModule` must load it with the same ones (it then finds that compile). */
  limits?: PluginLimits;
  /** Loads the staged module or schema once, with `limits`; throws when it does not load (register_tool for tool plugins). */
  verifyModule: (pluginPath: string, manifest: PluginManifest) => Promise<void>;
  warn: (message: string) => void;
}

/** Whether this CLI may run the plugin; refuses with the rule and our version. */
export function checkPluginCompatibility(
  manifest: PluginManifest,
  context: Pick<PluginInstallContext, 'hostVersion' | 'overrideCompatibility' | 'incompatibleHint' | 'warn'>,
): string | undefined {
  const verdict = checkCompatibility(manifest.protoCompatibility, context.hostVersion);
  if (verdict.compatible) return undefined;
  const message = `${manifest.name} ${manifest.version} requires proto ${manifest.protoCompatibility}, but this is proto ${context.hostVersion}`;
  if (!context.overrideCompatibility) {
    throw new ProtoError('plugin.incompatible', `${message}.`, {
      hint:
        context.incompatibleHint ??
        `Install a compatible version (see \`proto plugin info ${manifest.name}\`), or pass --override-compatibility-check to install it anyway.`,
    });
  }
  context.warn(`${message}; installing anyway (--override-compatibility-check).`);
  return message;
}

/** A plugin name that is a proto command is refused (`proto plugin install install`). */
export function checkNotReserved(name: string, reservedNames: ReadonlySet<string>): void {
  if (!reservedNames.has(name)) return;
  throw new ProtoError('plugin.reserved_name', `"${name}" is the name of a proto command, so no plugin may take it.`, {
    hint: 'Ask the index maintainer to rename the plugin.',
  });
}

export async function installResolvedPlugin(resolved: ResolvedManifest, context: PluginInstallContext, previous?: InstalledPlugin): Promise<InstallRecord> {
  const { manifest } = resolved;
  checkNotReserved(manifest.name, context.reservedNames);
  checkToolConflicts(manifest, context.store);
  const compatibilityWarning = checkPluginCompatibility(manifest, context);
  const pkg = selectPackage(manifest, context.platform);
  const packageUrl = packageUrlFor(pkg.url, resolved.location);
  const fileName = lastUrlSegment(packageUrl, 'package URL', manifest.name);
  const schema = isSchemaPluginPath(fileName);
  const archive = detectArchiveKind(fileName);
  if (!fileName.endsWith('.wasm') && !schema && archive.type !== 'tar' && archive.type !== 'zip') {
    throw new ProtoError('plugin.invalid_package', `The package ${packageUrl} of ${manifest.name} is neither a .wasm, a schema plugin nor an archive.`);
  }
  if (schema && manifest.kind !== 'tool') {
    // A schema describes one tool's releases; only a module can be called around other tools.
    throw new ProtoError('plugin.invalid_package', `The package ${packageUrl} of ${manifest.name} is a schema plugin, but ${manifest.name} is a ${manifest.kind} plugin.`, {
      hint: 'Schema plugins (.toml, .json, .yaml) can only provide tools; a hook plugin must be a .wasm.',
    });
  }
  const pluginFile = schema ? pluginFileName(fileName) : WASM_FILE;

  if (!context.yes) {
    const proceed = await context.confirm(
      trustPromptText({
        name: manifest.name,
        version: manifest.version,
        ...(previous ? { previousVersion: previous.version } : {}),
        kind: manifest.kind,
        tools: manifest.tools,
        license: manifest.license,
        ...(manifest.homepage ? { homepage: manifest.homepage } : {}),
        packageUrl,
        fetchedUrl: rewrittenUrl(packageUrl, context.settings),
        origin: resolved.origin,
        ...(compatibilityWarning ? { warning: `${compatibilityWarning} (--override-compatibility-check)` } : {}),
        extra: trustPromptPermissions(manifest),
      }),
    );
    if (!proceed) {
      throw new ProtoError('plugin.not_trusted', `Installation of ${manifest.name} ${manifest.version} cancelled: nothing was installed.`, {
        hint: 'Answer y or yes to proceed, or pass -y/--yes.',
      });
    }
  }

  const staging = await createStagingDir(context.store, manifest.name);
  try {
    const download = join(staging, 'download');
    await fs.mkdir(download);
    const downloaded = join(download, fileName);
    const { sha256 } = await downloadResource(packageUrl, downloaded, context.settings);
    if (sha256 !== pkg.sha256) {
      throw new ProtoError('plugin.checksum_mismatch', `The package of ${manifest.name} ${manifest.version} does not match its sha256: expected ${pkg.sha256}, got ${sha256} (${packageUrl}).`, {
        hint: 'The file changed after the manifest was written, or was tampered with in transit. Nothing was installed; tell the index maintainer.',
      });
    }
    // Checked here, not only by the load below, so that errors name the package URL, not the staging dir.
    if (schema) parseToolSchema(await parseSchemaText(await fs.readFile(downloaded, 'utf8'), packageUrl), packageUrl);
    await moveModuleIntoPlace(downloaded, fileName, join(staging, pluginFile), manifest.name, context.settings);
    await fs.rm(download, { recursive: true, force: true });
    await fs.writeFile(join(staging, MANIFEST_FILE), resolved.text);
    if (resolved.license !== undefined) await fs.writeFile(join(staging, LICENSE_FILE), resolved.license);
    const record: InstallRecord = {
      name: manifest.name,
      version: manifest.version,
      kind: manifest.kind,
      tools: manifest.tools,
      license: manifest.license,
      sha256,
      packageUrl,
      origin: resolved.origin,
      installedAt: new Date().toISOString(),
      ...(compatibilityWarning ? { compatibilityOverridden: true } : {}),
      pluginFile,
      ...(manifest.permissions ? { permissions: manifest.permissions } : {}),
      ...(manifest.requestedCapabilities.length > 0 ? { requestedCapabilities: manifest.requestedCapabilities } : {}),
      ...(manifest.callTimeoutMs !== undefined ? { callTimeoutMs: manifest.callTimeoutMs } : {}),
    };
    await writeInstallRecord(staging, record);
    let release: (() => void) | undefined;
    if (pluginFile.endsWith('.wasm')) {
      // A schema plugin runs no code of its own: only modules have imports to scan. The module is
      // compiled as the check below loads it (the same memory cap) and held until then: compiled
      // once, not twice (~13 ms of CPU for 2 MB).
      const policy = { permissions: manifest.permissions, requestedCapabilities: manifest.requestedCapabilities };
      const module = await compilePluginModule(await fs.readFile(join(staging, pluginFile)), context.limits, () => `The package of ${manifest.name}`);
      refuseBlocked(manifest.name, manifest.version, scanImports(module, policy));
      release = retainModule(module);
    }
    try {
      await context.verifyModule(join(staging, pluginFile), manifest);
    } finally {
      release?.();
    }
    await commitInstalledPlugin(context.store, manifest.name, staging, () => checkToolConflicts(manifest, context.store));
    return record;
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

/** The prompt's lines about what the plugin may do, in plain words. */
function trustPromptPermissions(manifest: PluginManifest): string[] {
  return [
    ...permissionsBlock(manifest.permissions, 'permissions: '),
    ...(manifest.requestedCapabilities.length > 0 ? [`imports without a permission (every call denied): ${manifest.requestedCapabilities.join(', ')}`] : []),
    ...(manifest.callTimeoutMs !== undefined ? [`each call may run up to ${manifest.callTimeoutMs} ms (its own bound, kept within 1 s..300 s)`] : []),
  ];
}

/** Two installed plugins may not provide the same tool: lookup would have to guess. */
function checkToolConflicts(manifest: PluginManifest, store: Store): void {
  if (manifest.kind !== 'tool') return;
  for (const other of listInstalledPlugins(store)) {
    if (other.name === manifest.name || other.kind !== 'tool') continue;
    const shared = other.tools.filter((tool) => manifest.tools.includes(tool));
    if (shared.length > 0) {
      throw new ProtoError('plugin.tool_conflict', `${manifest.name} provides ${shared.join(', ')}, which the installed plugin ${other.name} already provides.`, {
        hint: `Uninstall it first: proto plugin uninstall ${other.name}`,
      });
    }
  }
}

/**
 * The package URL as fetched: relative URLs resolve against the manifest. A manifest read over
 * the network may not point at local files.
 */
function packageUrlFor(written: string, manifestLocation: string): string {
  let url: URL;
  try {
    url = new URL(written, manifestLocation);
  } catch {
    throw new ProtoError('plugin.invalid_package', `The package URL "${written}" in ${manifestLocation} is not a valid URL.`);
  }
  const remoteManifest = !manifestLocation.startsWith('file:');
  const allowed =
    url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname)) || (url.protocol === 'file:' && !remoteManifest);
  if (!allowed) {
    throw new ProtoError('plugin.invalid_package', `The package URL ${url.href} in ${manifestLocation} is not allowed.`, {
      hint: 'Packages are fetched over https:// (plain http only on loopback); file:// packages only from local manifests.',
    });
  }
  return url.href;
}

/** The package is the plugin file itself, or an archive holding the module (`<name>.wasm`, or its only .wasm). */
async function moveModuleIntoPlace(downloaded: string, fileName: string, target: string, name: string, settings: InstallSettings): Promise<void> {
  if (fileName.endsWith('.wasm') || isSchemaPluginPath(fileName)) {
    await fs.rename(downloaded, target);
    return;
  }
  const unpacked = join(target, '..', 'unpacked');
  await fs.mkdir(unpacked);
  const { unpackDownload } = await import('../install/unpack-download.js');
  await unpackDownload({
    plugin: archiveOnly(name),
    version: '',
    downloadFile: downloaded,
    downloadName: fileName,
    outputDir: unpacked,
    settings,
    warn: () => undefined,
  });
  const modules = (await fs.readdir(unpacked, { recursive: true })).map(String).filter((entry) => entry.endsWith('.wasm'));
  const chosen = modules.find((entry) => entry === `${name}.wasm` || entry.endsWith(`/${name}.wasm`)) ?? (modules.length === 1 ? modules[0] : undefined);
  if (!chosen) {
    throw new ProtoError('plugin.invalid_package', `The archive ${fileName} of ${name} holds ${modules.length === 0 ? 'no .wasm file' : `several .wasm files (${modules.join(', ')}) and none is ${name}.wasm`}.`, {
      hint: `The archive must hold ${name}.wasm (or a single .wasm).`,
    });
  }
  await fs.rename(join(unpacked, chosen), target);
  await fs.rm(unpacked, { recursive: true, force: true });
}

/** The unpacking step's view of a plugin package: no plugin functions, just archives. */
function archiveOnly(name: string): InstallPluginPort {
  const none = () => Promise.reject(new Error('not a tool plugin'));
  return { id: name, has: () => false, downloadPrebuilt: none, verifyChecksum: none, unpackArchive: none, nativeInstall: none, nativeUninstall: none };
}
