/**
 * `proto pin` / `unpin` / `alias` / `unalias` / `plugin add` / `plugin remove` on one `.prototools` file: change one value, keep
 * everything else byte for byte (see `toml-edit.ts`), create the file when needed, and write
 * atomically (temp file + rename) so a reader never sees half a file.
 *
 * Concurrency: no lock; two processes editing the same file at once each write a whole, valid
 * file and the last rename wins.
 */
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { ProtoError } from '../errors.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { formatSpec, isAliasName, parseSpec } from '../version/index.js';
import { parsePluginLocator } from './plugin-locator.js';
import { parseTomlDocument } from './read-toml.js';
import { removeTomlKey, setTomlString } from './toml-edit.js';
import { isToolContext } from './tool-context.js';

/** Pins `id = "<canonical spec>"` at the top level of `file`. Returns the canonical spec written. */
export async function pinVersion(file: string, id: string, spec: string): Promise<string> {
  checkToolId(id);
  const canonical = formatSpec(parseSpec(spec));
  await editFile(file, (text) => setTomlString(text, [], id, canonical));
  return canonical;
}

/** Removes the top-level pin of `id`. False when there was none (the file is left untouched). */
export async function unpinVersion(file: string, id: string): Promise<boolean> {
  checkToolId(id);
  return removeFromFile(file, [], id);
}

/** Sets `[tools.<id>.aliases] alias = "<canonical spec>"`. Returns the canonical spec written. */
export async function setAlias(file: string, id: string, alias: string, spec: string): Promise<string> {
  checkToolId(id);
  if (!isAliasName(alias)) {
    throw new ProtoError('config.invalid_alias', `"${alias}" is not a valid alias name`, {
      hint: 'Alias names start with a letter and use letters, digits, "-", "_", ".", "/" and "*".',
    });
  }
  const parsed = parseSpec(spec);
  if (parsed.kind === 'alias' && parsed.name === alias) {
    throw new ProtoError('config.invalid_alias', `The alias "${alias}" cannot point at itself`);
  }
  const canonical = formatSpec(parsed);
  await editFile(file, (text) => setTomlString(text, ['tools', id, 'aliases'], alias, canonical));
  return canonical;
}

/** Removes `[tools.<id>.aliases] alias`. False when there was none. */
export async function removeAlias(file: string, id: string, alias: string): Promise<boolean> {
  checkToolId(id);
  return removeFromFile(file, ['tools', id, 'aliases'], alias);
}

/**
 * Sets `[plugins.tools] <id> = "<locator>"` (proto's `plugin add`). The locator is checked first
 * (relative `file://` paths are read from the file's directory, as when the file is loaded).
 */
export async function addPluginLocator(file: string, id: string, locator: string): Promise<void> {
  checkToolId(id);
  parsePluginLocator(locator, dirname(file), `${file} [plugins.tools] ${id}`);
  await editFile(file, (text) => setTomlString(text, ['plugins', 'tools'], id, locator));
}

/** Removes `<id>` from `[plugins.tools]`, or else from the flat legacy `[plugins]`. False when in neither. */
export async function removePluginLocator(file: string, id: string): Promise<boolean> {
  checkToolId(id);
  return (await removeFromFile(file, ['plugins', 'tools'], id)) || (await removeFromFile(file, ['plugins'], id));
}

async function removeFromFile(file: string, table: readonly string[], key: string): Promise<boolean> {
  const text = await readIfExists(file);
  if (text === undefined) return false;
  parseTomlDocument(text, file);
  const next = removeTomlKey(text, table, key);
  if (next === undefined) return false;
  await writeFileAtomic(file, next);
  return true;
}

async function editFile(file: string, edit: (text: string) => string): Promise<void> {
  const text = (await readIfExists(file)) ?? '';
  // Refuse to edit a file we cannot read as TOML: the error names its line and column.
  parseTomlDocument(text, file);
  await writeFileAtomic(file, edit(text));
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ProtoError('config.read_failed', `Cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}

function checkToolId(id: string): void {
  if (!isToolContext(id)) {
    throw new ProtoError('config.invalid_tool_id', `"${id}" is not a valid tool id`, {
      hint: 'Tool ids use letters, digits, "-", "_", "." and "/", optionally with a backend prefix like "asdf:".',
    });
  }
}
