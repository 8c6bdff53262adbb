/**
 * Which manifest an install or upgrade uses: one named by `--file` or `--url`, or one version
 * of a plugin from the first index that lists it (by default the newest version whose
 * compatibility rule admits this proto).
 */
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ProtoError } from '../errors.js';
import { checkCompatibility } from './compatibility.js';
import { fetchText } from './fetch-resource.js';
import type { IndexPlugin } from './index-listing.js';
import { describeSource } from './index-source.js';
import { parseManifest } from './manifest.js';
import { findInListings, readIndexManifest, type IndexContext, type IndexFailure, type LoadedListing, type ResolvedManifest } from './plugin-indexes.js';

export interface ManifestRequest {
  name: string;
  version?: string;
  file?: string;
  url?: string;
}

/** `--file`/`--url`: the manifest must be the named plugin (and the `--version`, if given). */
export async function resolveManifestLocation(request: ManifestRequest, context: IndexContext & { cwd: string }): Promise<ResolvedManifest> {
  if (request.file && request.url) throw new ProtoError('cli.invalid_option', '--file and --url cannot be used together.', { hint: 'Give one of them.' });
  const path = request.file ? resolve(context.cwd, request.file) : undefined;
  const location = path ? pathToFileURL(path).href : new URL(request.url!).href;
  const text = await fetchText(location, context.settings);
  const manifest = await parseManifest(text!, path ?? location);
  if (manifest.name !== request.name) {
    throw new ProtoError('plugin.name_mismatch', `${path ?? location} is the manifest of "${manifest.name}", not "${request.name}".`, {
      hint: `Run the command with ${manifest.name} as the plugin name.`,
    });
  }
  if (request.version !== undefined && manifest.version !== request.version) {
    throw new ProtoError('plugin.version_not_found', `${path ?? location} describes ${manifest.name} ${manifest.version}, not ${request.version}.`);
  }
  // Spin's layout keeps `<name>.license` next to the manifest.
  const licenseLocation = path ? pathToFileURL(join(dirname(path), `${manifest.name}.license`)).href : new URL(`${manifest.name}.license`, location).href;
  const license = await fetchText(licenseLocation, context.settings, { optional: true });
  return { manifest, text: text!, location, ...(license !== undefined ? { license } : {}), origin: path ?? location };
}

/** The plugin's entry in the first index that lists it, or a `plugin.not_found` that says where we looked. */
export function findIndexPlugin(name: string, listings: readonly LoadedListing[], failures: readonly IndexFailure[]): { listing: LoadedListing; plugin: IndexPlugin } {
  const found = findInListings(listings, name);
  if (found) return found;
  if (failures.length > 0 && listings.length === 0) throw failures[0]!.error;
  const searched = listings.map((listing) => describeSource(listing.source)).join(', ');
  const unreachable = failures.map((failure) => describeSource(failure.source));
  throw new ProtoError('plugin.not_found', `No plugin named "${name}" in ${searched || 'any index'}${unreachable.length > 0 ? ` (unreachable: ${unreachable.join(', ')})` : ''}.`, {
    hint: 'Look for it with `proto plugin search`, or install from a manifest with --file or --url.',
  });
}

/**
 * The version to install: `requested` when given (it must be listed), otherwise the newest one
 * compatible with `hostVersion` (the newest of all when none is, or when `anyCompatibility`:
 * the compatibility check then decides).
 */
export function chooseVersion(plugin: IndexPlugin, requested: string | undefined, hostVersion: string, anyCompatibility = false): string {
  if (plugin.registry) {
    throw new ProtoError('plugin.not_installable', `${plugin.name} is listed in proto's registry by its locator only (${plugin.registry.locator}), without a manifest to install.`, {
      hint: `Configure it for proto as proto does: proto plugin add ${plugin.name} ${plugin.registry.locator}`,
    });
  }
  if (requested !== undefined) {
    if (plugin.versions.some((entry) => entry.version === requested)) return requested;
    throw new ProtoError('plugin.version_not_found', `${plugin.name} has no version ${requested} in its index (it has ${plugin.versions.map((v) => v.version).join(', ')}).`, {
      hint: `See \`proto plugin info ${plugin.name}\`.`,
    });
  }
  const compatible = anyCompatibility ? undefined : plugin.versions.find((entry) => isCompatible(entry.protoCompatibility, hostVersion));
  return (compatible ?? plugin.versions[0]!).version;
}

/** The verdict for one listed version (an unreadable rule counts as incompatible). */
export function isCompatible(rule: string | undefined, hostVersion: string): boolean {
  if (rule === undefined) return false;
  try {
    return checkCompatibility(rule, hostVersion).compatible;
  } catch {
    return false;
  }
}

