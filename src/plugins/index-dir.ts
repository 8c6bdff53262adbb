/**
 * An index in Spin's layout on disk (a local index, a git clone, or a maintainer's checkout):
 *
 *   manifests/<name>/<name>.json            the latest version
 *   manifests/<name>/<name>@<version>.json  older versions
 *   manifests/<name>/<name>.license         the license text
 *
 * `scanIndexDir` reads every manifest and reports each rule broken, with the file; readers skip
 * the plugins that break one (with a warning), `proto plugin index validate` lists them all.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { indexPluginFrom, type IndexPlugin } from './index-listing.js';
import { checkManifest, isPluginName, type PluginManifest } from './manifest.js';
import { compareVersionStrings } from '../version/index.js';

export interface IndexProblem {
  /** The file or directory, relative to the index root. */
  file: string;
  message: string;
}

export interface ScannedIndex {
  /** Plugins that break no rule. */
  plugins: IndexPlugin[];
  problems: IndexProblem[];
}

export interface ScanOptions {
  /** Names a plugin may not have (the CLI's own commands). */
  reservedNames?: ReadonlySet<string>;
}

const VERSIONED = /^(.+)@(.+)\.json$/;

export async function scanIndexDir(root: string, options: ScanOptions = {}): Promise<ScannedIndex> {
  const problems: IndexProblem[] = [];
  const plugins: IndexPlugin[] = [];
  let names: string[];
  try {
    names = (await fs.readdir(join(root, 'manifests'))).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { plugins, problems: [{ file: 'manifests', message: code === 'ENOENT' ? 'the index has no manifests/ directory' : (error as Error).message }] };
  }
  const toolOwners = new Map<string, string>();
  for (const name of names) {
    const found = await scanPlugin(root, name, options);
    problems.push(...found.problems);
    if (!found.plugin) continue;
    const clashes = found.plugin.tools.filter((tool) => toolOwners.has(tool));
    for (const tool of clashes) {
      problems.push({ file: `manifests/${name}/${name}.json`, message: `the tool "${tool}" is also provided by the plugin "${toolOwners.get(tool)}"` });
    }
    if (clashes.length > 0) continue;
    for (const tool of found.plugin.tools) toolOwners.set(tool, name);
    plugins.push(found.plugin);
  }
  return { plugins, problems };
}

async function scanPlugin(root: string, name: string, options: ScanOptions): Promise<{ plugin?: IndexPlugin; problems: IndexProblem[] }> {
  const dir = `manifests/${name}`;
  const problems: IndexProblem[] = [];
  const problem = (file: string, message: string) => problems.push({ file, message });
  const stat = await fs.stat(join(root, dir));
  if (!stat.isDirectory()) return { problems: [{ file: dir, message: 'expected a directory named after its plugin' }] };
  if (!isPluginName(name)) {
    problem(dir, `"${name}" is not a valid plugin name (lowercase letters, digits, "_" and "-", starting with a letter)`);
    return { problems };
  }
  if (options.reservedNames?.has(name)) problem(dir, `"${name}" is the name of a proto command, so it cannot be a plugin's`);

  const files = (await fs.readdir(join(root, dir))).sort();
  let latest: PluginManifest | undefined;
  const older: PluginManifest[] = [];
  for (const file of files) {
    const path = `${dir}/${file}`;
    if (file === `${name}.license`) continue;
    if (file === `${name}.json`) {
      latest = await readManifest(root, path, name, undefined, problem);
      continue;
    }
    const versioned = VERSIONED.exec(file);
    if (versioned && versioned[1] === name) {
      const manifest = await readManifest(root, path, name, versioned[2], problem);
      if (manifest) older.push(manifest);
      continue;
    }
    problem(path, `unexpected file: a plugin directory holds ${name}.json, ${name}@<version>.json and ${name}.license only`);
  }
  if (!files.includes(`${name}.license`)) problem(`${dir}/${name}.license`, 'the license file is missing');
  else if ((await fs.readFile(join(root, dir, `${name}.license`), 'utf8')).trim() === '') problem(`${dir}/${name}.license`, 'the license file is empty');
  if (!files.includes(`${name}.json`)) problem(`${dir}/${name}.json`, 'the latest manifest is missing');

  if (latest) {
    const seen = new Set([latest.version]);
    for (const manifest of older) {
      if (seen.has(manifest.version)) problem(`${dir}/${name}@${manifest.version}.json`, `version ${manifest.version} is also in ${name}.json`);
      seen.add(manifest.version);
      if (compareVersionStrings(manifest.version, latest.version) > 0) {
        problem(`${dir}/${name}@${manifest.version}.json`, `it is newer than ${name}.json (${latest.version}): the latest version belongs in ${name}.json`);
      }
    }
  }
  if (problems.length > 0 || !latest) return { problems };
  return { plugin: indexPluginFrom(latest, older), problems };
}

async function readManifest(
  root: string,
  path: string,
  name: string,
  fileVersion: string | undefined,
  problem: (file: string, message: string) => void,
): Promise<PluginManifest | undefined> {
  const checked = await checkManifest(await fs.readFile(join(root, path), 'utf8'));
  if ('problems' in checked) {
    for (const message of checked.problems) problem(path, message);
    return undefined;
  }
  const { manifest } = checked;
  let ok = true;
  if (manifest.name !== name) {
    problem(path, `"name" is "${manifest.name}" but the file belongs to the plugin "${name}"`);
    ok = false;
  }
  if (fileVersion !== undefined && manifest.version !== fileVersion) {
    problem(path, `"version" is "${manifest.version}" but the file name says ${fileVersion}`);
    ok = false;
  }
  const platforms = manifest.packages.map((pkg) => `${pkg.os}/${pkg.arch}`);
  const repeated = platforms.filter((platform, index) => platforms.indexOf(platform) !== index);
  if (repeated.length > 0) {
    problem(path, `more than one package for ${[...new Set(repeated)].join(', ')}`);
    ok = false;
  }
  return ok ? manifest : undefined;
}
