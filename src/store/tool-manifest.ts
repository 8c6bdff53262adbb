/**
 * `tools/<id>/manifest.json` in proto's format (spec §6.8): which versions of a tool are installed,
 * when, and from where. The file is shared with other proto processes (and proto itself), so
 * unknown fields are kept when we rewrite it, and a corrupt file is reported rather than
 * silently replaced (it may hold the only record of installed versions).
 */
import { readFileSync } from 'node:fs';
import { compareVersionStrings } from '../version/index.js';
import { ProtoError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';

/** `LockRecord` of proto's lockfile, as stored in the manifest (`lock`). */
export interface ManifestLockRecord {
  os?: string;
  arch?: string;
  backend?: string;
  checksum?: string;
  source?: string;
  [key: string]: unknown;
}

export interface ManifestVersionEntry {
  no_clean: boolean;
  /** Milliseconds since the epoch. */
  installed_at: number;
  lock?: ManifestLockRecord;
  suffix?: string | null;
  [key: string]: unknown;
}

export interface ToolManifest {
  installed_versions: string[];
  shim_version: number;
  versions: Record<string, ManifestVersionEntry>;
  [key: string]: unknown;
}

export function emptyManifest(): ToolManifest {
  return { installed_versions: [], shim_version: 0, versions: {} };
}

/** Reads a manifest; a missing file is an empty manifest. Synchronous: see `Inventory.readRemoteVersions`. */
export async function readManifestFile(path: string): Promise<ToolManifest> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyManifest();
    throw error;
  }
  if (text.trim() === '') return emptyManifest();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ProtoError('store.manifest_corrupt', `${path} is not valid JSON.`, {
      hint: 'Fix or delete the file; deleting it makes proto forget which versions are installed.',
      cause: error,
    });
  }
  return normalizeManifest(value, path);
}

function normalizeManifest(value: unknown, path: string): ToolManifest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtoError('store.manifest_corrupt', `${path} does not contain a JSON object.`);
  }
  const raw = value as Record<string, unknown>;
  const installed = Array.isArray(raw.installed_versions)
    ? raw.installed_versions.filter((v): v is string => typeof v === 'string')
    : [];
  const versions: Record<string, ManifestVersionEntry> = {};
  if (typeof raw.versions === 'object' && raw.versions !== null) {
    for (const [version, entry] of Object.entries(raw.versions as Record<string, unknown>)) {
      if (typeof entry !== 'object' || entry === null) continue;
      const e = entry as Record<string, unknown>;
      versions[version] = {
        ...e,
        no_clean: e.no_clean === true,
        installed_at: typeof e.installed_at === 'number' ? e.installed_at : 0,
      };
    }
  }
  return {
    ...raw,
    installed_versions: installed,
    shim_version: typeof raw.shim_version === 'number' ? raw.shim_version : 0,
    versions,
  };
}

/** Pretty JSON with versions in ascending order (proto keeps them in a BTreeSet/BTreeMap). */
export function serializeManifest(manifest: ToolManifest): string {
  // Aliases such as `canary` before the versions, as proto's BTreeSet of VersionSpec.
  const installed = [...new Set(manifest.installed_versions)].sort(compareVersionStrings);
  const versions: Record<string, ManifestVersionEntry> = {};
  for (const key of Object.keys(manifest.versions).sort(compareVersionStrings)) {
    versions[key] = manifest.versions[key]!;
  }
  return `${JSON.stringify({ ...manifest, installed_versions: installed, versions }, null, 2)}\n`;
}

export async function writeManifestFile(path: string, manifest: ToolManifest): Promise<void> {
  await writeFileAtomic(path, serializeManifest(manifest));
}

