/**
 * `proto plugin scan <file|locator>` (registered in plugin.ts, loaded when it runs): the
 * install-time import scan for anyone (plugin authors
 * before they publish, users before they add a locator): every import of the module with its
 * verdict and why, checked against the permissions and requested_capabilities of a manifest
 * (`--manifest`) or given on the command line. Exits 1 when anything is blocked.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parsePluginLocator } from '../../config/index.js';
import { ProtoError } from '../../errors.js';
import { GATED_HOST_FUNCTIONS, PluginPermissions, type ScanPolicy } from '../../host/index.js';
import { describeScan, parseManifest, permissionsBlock, scanPluginModule } from '../../plugins/index.js';
import { pluginFile } from '../../registry/index.js';
import { isSchemaPluginPath } from '../../schema/read-schema.js';
import { writeJson, writeResult } from '../output/write.js';
import type { Session } from '../session.js';

export interface ScanFlags {
  manifest?: string;
  permissions?: string;
  capabilities?: string;
  json?: boolean;
}

export async function scan(session: Session, target: string, flags: ScanFlags): Promise<void> {
  const policy = await scanPolicy(session, flags);
  const wasm = await moduleFile(session, target);
  const report = await scanPluginModule(wasm, policy, target);
  if (flags.json) {
    writeJson({ target, permissions: policy.permissions ?? null, requestedCapabilities: policy.requestedCapabilities ?? [], blocked: report.blocked, imports: report.imports });
  } else {
    writeResult([`${target}`, ...permissionsBlock(policy.permissions).map((line) => `  ${line}`), ...describeScan(report).map((line) => `  ${line}`)].join('\n'));
  }
  if (report.blocked) {
    const count = report.imports.filter((entry) => entry.verdict === 'blocked' || entry.verdict === 'hard-blocked').length;
    throw new ProtoError('plugin.scan_blocked', `${target}: the import scan blocked ${count} import${count === 1 ? '' : 's'} (listed above); \`proto plugin install\` would refuse it.`, {
      hint: 'Declare the permissions the blocked imports need (or list them in requested_capabilities); hard-blocked imports must go from the module.',
    });
  }
}

async function scanPolicy(session: Session, flags: ScanFlags): Promise<ScanPolicy> {
  const list = (text: string | undefined) => text?.split(',').map((item) => item.trim()).filter(Boolean);
  let permissions = list(flags.permissions);
  let requestedCapabilities = list(flags.capabilities) ?? [];
  if (flags.manifest !== undefined) {
    const path = resolve(session.cwd, flags.manifest);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new ProtoError('cli.invalid_option', `--manifest ${flags.manifest} cannot be read: ${(error as Error).message}`);
    }
    const manifest = await parseManifest(text, path);
    permissions = PluginPermissions.union(manifest.permissions, permissions) as string[] | undefined;
    requestedCapabilities = [...new Set([...manifest.requestedCapabilities, ...requestedCapabilities])];
  }
  const unknown = requestedCapabilities.filter((capability) => !Object.hasOwn(GATED_HOST_FUNCTIONS, capability));
  if (unknown.length > 0) {
    throw new ProtoError('cli.invalid_option', `Unknown capabilities: ${unknown.join(', ')}.`, { hint: `Capabilities are the gated host functions: ${Object.keys(GATED_HOST_FUNCTIONS).join(', ')}.` });
  }
  // Checks the grammar, with an error naming the option.
  PluginPermissions.parse(permissions, '--permissions');
  return { ...(permissions ? { permissions } : {}), requestedCapabilities };
}

/** The local module behind `target`: an existing file as it is, a locator fetched like a plugin. */
async function moduleFile(session: Session, target: string): Promise<string> {
  const path = resolve(session.cwd, target);
  const local = !target.includes('://') && existsSync(path);
  const file = local
    ? path
    : await pluginFile('scan', parsePluginLocator(target, session.cwd, 'proto plugin scan'), {
        store: session.store,
        settings: session.settings,
        cacheDurationSeconds: session.config.settings.cacheDuration,
      });
  if (isSchemaPluginPath(file)) {
    throw new ProtoError('plugin.scan_not_wasm', `${target} is a schema plugin (TOML, JSON or YAML): it runs no code of its own, so there is nothing to scan.`);
  }
  return file;
}
