/**
 * Plugin indexes for tests, in Spin's layout, with packages made from our fixture plugins:
 * `manifests/<name>/<name>.json` (the first version given), `<name>@<version>.json` (the others),
 * `<name>.license`, and the packages under `packages/` (a `.wasm`, a `.tar.gz` made by system
 * tar, or a schema plugin's text), referenced by manifests through relative URLs so the same tree works as a directory, a
 * `file://` or `http://` index and a git repository.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturePlugin } from './fixtures.js';
import { run } from './system-commands.js';
import { removeAtExit } from '../../test-utils/remove-at-exit.js';

export interface IndexVersionSpec {
  version: string;
  /** `protoCompatibility` (default `>=0.1`). */
  compatibility?: string;
  /** Fixture plugin built by `npm run fixtures` (default `disttool`), e.g. `hostile/trap`. */
  plugin?: string;
  /** Packages' os/arch (default one package for any/any). */
  platforms?: Array<[os: string, arch: string]>;
  /** Ship the module inside a `.tar.gz` made by system tar. */
  archive?: boolean;
  /** Ship this schema plugin (its text, and the extension that names its format) instead of a module. */
  schema?: { ext: 'toml' | 'json' | 'jsonc' | 'yaml' | 'yml'; text: string };
  /** Publish a sha256 that does not match the package. */
  wrongSha256?: boolean;
  kind?: 'tool' | 'hook';
  tools?: string[];
  /** More manifest fields, e.g. ones this host does not know. */
  extra?: Record<string, unknown>;
}

export interface IndexPluginSpec {
  name: string;
  /** The first is the latest (`<name>.json`). */
  versions: IndexVersionSpec[];
  description?: string;
  /** License text; false for none. */
  license?: string | false;
}

/** Package path (relative to the index root) of one version. */
export function packagePath(name: string, spec: IndexVersionSpec): string {
  return `packages/${name}-${spec.version}.${spec.schema?.ext ?? (spec.archive ? 'tar.gz' : 'wasm')}`;
}

export function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export function manifestFor(plugin: IndexPluginSpec, spec: IndexVersionSpec, sha256: string): Record<string, unknown> {
  return {
    name: plugin.name,
    version: spec.version,
    description: plugin.description ?? `The ${plugin.name} fixture plugin`,
    homepage: `https://example.com/${plugin.name}`,
    license: 'MIT',
    protoCompatibility: spec.compatibility ?? '>=0.1',
    ...(spec.kind ? { kind: spec.kind } : {}),
    ...(spec.tools ? { tools: spec.tools } : {}),
    packages: (spec.platforms ?? [['any', 'any']]).map(([os, arch]) => ({ os, arch, url: `../../${packagePath(plugin.name, spec)}`, sha256 })),
    ...spec.extra,
  };
}

/** Writes the index under `root` (created); returns `root`. */
export function writePluginIndex(root: string, plugins: readonly IndexPluginSpec[]): string {
  mkdirSync(join(root, 'packages'), { recursive: true });
  for (const plugin of plugins) {
    const dir = join(root, 'manifests', plugin.name);
    mkdirSync(dir, { recursive: true });
    plugin.versions.forEach((spec, index) => {
      const pkg = join(root, packagePath(plugin.name, spec));
      const wasm = fixturePlugin(spec.plugin ?? 'disttool');
      if (spec.schema) {
        writeFileSync(pkg, spec.schema.text);
      } else if (spec.archive) {
        const work = mkdtempSync(join(tmpdir(), 'plugin-archive-'));
        try {
          copyFileSync(wasm, join(work, `${plugin.name}.wasm`));
          writeFileSync(join(work, 'README'), `${plugin.name} ${spec.version}\n`);
          run('tar', ['-czf', pkg, '-C', work, `${plugin.name}.wasm`, 'README']);
        } finally {
          rmSync(work, { recursive: true, force: true });
        }
      } else {
        copyFileSync(wasm, pkg);
      }
      const sha256 = spec.wrongSha256 ? createHash('sha256').update('not the package').digest('hex') : sha256Of(pkg);
      const file = index === 0 ? `${plugin.name}.json` : `${plugin.name}@${spec.version}.json`;
      writeFileSync(join(dir, file), `${JSON.stringify(manifestFor(plugin, spec, sha256), null, 2)}\n`);
    });
    if (plugin.license !== false) writeFileSync(join(dir, `${plugin.name}.license`), plugin.license ?? `MIT License\n\nCopyright (c) the ${plugin.name} authors\n`);
  }
  return root;
}

/** A fresh temp dir for an index (real path); the caller removes it (or the process's end does: test-utils/remove-at-exit.ts). */
export function tempIndexDir(prefix = 'plugin-index-'): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  removeAtExit(dir);
  return dir;
}

/** Commits the whole tree of `root` into a new git repository there (system git). */
export function commitAsGitRepository(root: string): void {
  const git = (...args: string[]) => run('git', ['-c', 'user.name=proto tests', '-c', 'user.email=tests@localhost', '-c', 'init.defaultBranch=main', ...args], { cwd: root });
  git('init', '--quiet');
  git('add', '--all');
  git('commit', '--quiet', '--message', 'index');
}
