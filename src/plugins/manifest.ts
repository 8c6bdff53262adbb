/**
 * Plugin manifests (Spin's layout, Lumiverse's naming rule): one JSON document per plugin
 * version, validated against `schemas/plugin-manifest.schema.json`. A manifest comes from an
 * index, a file or a URL, so it is untrusted: nothing in it is used before it validates, and
 * the package it names is only trusted through its sha256.
 *
 * Fields this host does not know are kept in `raw` and otherwise ignored, so a manifest written
 * for a newer host still installs here. `permissions`, `requested_capabilities` and
 * `callTimeoutMs` follow Lumiverse's manifest (issue 10): see `src/host/permissions.ts`.
 */
import { ProtoError } from '../errors.js';
import { schemaProblems, schemaProperty } from './schema-validator.js';

export type PackageOs = 'linux' | 'macos' | 'windows' | 'any';
export type PackageArch = 'x64' | 'arm64' | 'any';
/** `tool` plugins provide tools; `hook` plugins are called around every tool's actions. */
export type PluginKind = 'tool' | 'hook';

export interface PluginPackage {
  os: PackageOs;
  arch: PackageArch;
  /** As written: absolute, or relative to the manifest's own location. */
  url: string;
  sha256: string;
}

export interface PluginManifest {
  name: string;
  version: string;
  description: string;
  homepage?: string;
  /** SPDX expression. */
  license: string;
  protoCompatibility: string;
  kind: PluginKind;
  /** Tool ids the plugin provides (`[name]` when the manifest lists none). */
  tools: string[];
  packages: PluginPackage[];
  /**
   * What the plugin may do through the host (`src/host/permissions.ts`); undefined = it declares
   * nothing and is unrestricted, as every plugin is in proto.
   */
  permissions?: string[];
  /** Gated host functions it may import without a permission of their family (the install-time scan). */
  requestedCapabilities: string[];
  /** Its own bound for one call, ms, before clamping (wins over `[settings.plugin-timeouts]`). */
  callTimeoutMs?: number;
  /** The document as written, unknown fields included. */
  raw: Readonly<Record<string, unknown>>;
}

let namePattern: RegExp | undefined;

/** True for a valid plugin name (the schema's `name` pattern). */
export function isPluginName(name: string): boolean {
  namePattern ??= new RegExp(schemaProperty('plugin-manifest', 'name').pattern ?? '^$', 'u');
  return namePattern.test(name) && name.length <= 64;
}

/** Refuses a name that cannot be a plugin's before anything is looked up. */
export function checkPluginName(name: string): void {
  if (isPluginName(name)) return;
  throw new ProtoError('plugin.invalid_name', `"${name}" is not a valid plugin name.`, {
    hint: 'Plugin names use lowercase letters, digits, "_" and "-", and start with a letter.',
  });
}

/**
 * Parses and validates a manifest. `where` (a path or URL) names it in errors. Every problem is
 * reported at once, as `plugin.invalid_manifest`.
 */
export async function parseManifest(text: string, where: string): Promise<PluginManifest> {
  const checked = await checkManifest(text);
  if ('manifest' in checked) return checked.manifest;
  throw new ProtoError('plugin.invalid_manifest', `The plugin manifest ${where} is invalid:\n  - ${checked.problems.join('\n  - ')}`, {
    hint: 'Ask the index maintainer to fix it (`proto plugin index validate` shows every problem).',
  });
}

/** The manifest, or every way the text fails to be one (not JSON, or each schema violation). */
export async function checkManifest(text: string): Promise<{ manifest: PluginManifest } | { problems: string[] }> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problems: [`not valid JSON: ${(error as Error).message}`] };
  }
  const problems = await schemaProblems('plugin-manifest', value);
  return problems.length > 0 ? { problems } : { manifest: fromValidated(value as Record<string, unknown>) };
}

function fromValidated(raw: Record<string, unknown>): PluginManifest {
  const name = raw.name as string;
  return {
    name,
    version: raw.version as string,
    description: raw.description as string,
    ...(typeof raw.homepage === 'string' ? { homepage: raw.homepage } : {}),
    license: raw.license as string,
    protoCompatibility: raw.protoCompatibility as string,
    kind: (raw.kind as PluginKind | undefined) ?? 'tool',
    tools: (raw.tools as string[] | undefined) ?? [name],
    packages: (raw.packages as PluginPackage[]).map(({ os, arch, url, sha256 }) => ({ os, arch, url, sha256 })),
    ...(Array.isArray(raw.permissions) ? { permissions: [...(raw.permissions as string[])] } : {}),
    requestedCapabilities: [...((raw.requested_capabilities as string[] | undefined) ?? [])],
    ...(typeof raw.callTimeoutMs === 'number' ? { callTimeoutMs: raw.callTimeoutMs } : {}),
    raw: Object.freeze({ ...raw }),
  };
}

/** "tool plugin providing node, npm" / "hook plugin", for messages. */
export function describePluginKind(kind: string, tools: readonly string[]): string {
  return kind === 'tool' ? `tool plugin providing ${tools.join(', ')}` : `${kind} plugin`;
}

