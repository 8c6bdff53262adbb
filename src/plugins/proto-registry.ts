/**
 * proto's public registry data (`registry/data/{built-in,third-party}.json` in moonrepo/proto,
 * `PluginRegistryDocument` version 1): `{ plugins: [{ id, locator, format, name, description,
 * author, homepageUrl, repositoryUrl, bins, ... }] }`. It lists plugins by locator, with no
 * versions or checksums, so its entries are found by search and info but installed with
 * `proto plugin add <id> <locator>`, as in proto.
 *
 * The data is remote and untrusted: entries that lack an id or a locator are skipped.
 */
import { ProtoError } from '../errors.js';
import type { IndexPlugin } from './index-listing.js';

interface RegistryEntry {
  id?: unknown;
  locator?: unknown;
  format?: unknown;
  name?: unknown;
  description?: unknown;
  author?: unknown;
  homepageUrl?: unknown;
  repositoryUrl?: unknown;
  bins?: unknown;
}

/** The entries of one registry data document; `where` names it in errors. */
export function parseRegistryDocument(text: string, where: string): IndexPlugin[] {
  let document: { plugins?: unknown };
  try {
    document = JSON.parse(text) as { plugins?: unknown };
  } catch (error) {
    throw new ProtoError('plugin.invalid_index', `proto's registry data ${where} is not valid JSON: ${(error as Error).message}`);
  }
  if (!document || !Array.isArray(document.plugins)) {
    throw new ProtoError('plugin.invalid_index', `proto's registry data ${where} has no "plugins" list.`);
  }
  return (document.plugins as RegistryEntry[]).flatMap((entry): IndexPlugin[] => {
    if (typeof entry?.id !== 'string' || typeof entry.locator !== 'string' || entry.id === '') return [];
    const author = typeof entry.author === 'string' ? entry.author : typeof (entry.author as { name?: unknown })?.name === 'string' ? (entry.author as { name: string }).name : undefined;
    const homepage = nonEmpty(entry.homepageUrl) ?? nonEmpty(entry.repositoryUrl);
    return [
      {
        name: entry.id,
        ...(nonEmpty(entry.description) ? { description: nonEmpty(entry.description) } : {}),
        ...(homepage ? { homepage } : {}),
        kind: 'tool',
        tools: [entry.id],
        versions: [],
        registry: { locator: entry.locator, format: nonEmpty(entry.format) ?? 'wasm', ...(author ? { author } : {}) },
      },
    ];
  });
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
