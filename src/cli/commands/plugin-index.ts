/**
 * For index maintainers: `proto plugin index validate <dir>` checks an index in Spin's layout
 * (the manifests against the JSON Schema, the naming rules, license files, `@version` files
 * matching their `version`, names that are proto commands, index.json up to date), and
 * `proto plugin index build <dir>` writes the `index.json` that https:// and file:// indexes serve.
 */
import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ProtoError } from '../../errors.js';
import { scanIndexDir, type IndexDocument, type IndexProblem } from '../../plugins/index.js';
import { writeFileAtomic } from '../../store/index.js';
import { writeNote, writeResult } from '../output/write.js';
import { reservedCommandNames } from './common/plugin-manager.js';

async function checked(command: Command, dir: string): Promise<{ root: string; document: IndexDocument; problems: IndexProblem[] }> {
  const root = resolve(dir);
  const scanned = await scanIndexDir(root, { reservedNames: reservedCommandNames(command) });
  return { root, document: { formatVersion: 1, plugins: scanned.plugins }, problems: scanned.problems };
}

function failWith(root: string, problems: readonly IndexProblem[]): never {
  writeResult(problems.map((problem) => `${problem.file}: ${problem.message}`).join('\n'));
  throw new ProtoError('plugin.index_invalid', `${root}: ${problems.length} problem${problems.length === 1 ? '' : 's'} found.`, {
    hint: 'Fix each file listed above, then run this again.',
  });
}

export async function validate(command: Command, dir: string): Promise<void> {
  const { root, document, problems } = await checked(command, dir);
  const existing = await fs.readFile(join(root, 'index.json'), 'utf8').catch(() => undefined);
  if (existing !== undefined && existing !== serialize(document)) {
    problems.push({ file: 'index.json', message: 'out of date with the manifests: run `proto plugin index build`' });
  }
  if (problems.length > 0) failWith(root, problems);
  const versions = document.plugins.reduce((sum, plugin) => sum + plugin.versions.length, 0);
  writeResult(`${root}: valid (${document.plugins.length} plugin${document.plugins.length === 1 ? '' : 's'}, ${versions} version${versions === 1 ? '' : 's'})`);
}

export async function build(command: Command, dir: string): Promise<void> {
  const { root, document, problems } = await checked(command, dir);
  if (problems.length > 0) failWith(root, problems);
  const path = join(root, 'index.json');
  await writeFileAtomic(path, serialize(document));
  writeResult(`wrote ${path} (${document.plugins.length} plugin${document.plugins.length === 1 ? '' : 's'})`);
  if (document.plugins.length === 0) writeNote('warning: the index lists no plugins.');
}

/** Stable output (no timestamps), so an index kept in git only changes when its manifests do. */
function serialize(document: IndexDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
