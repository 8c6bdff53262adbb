/**
 * `proto-pdk new`: the files of a new plugin project, and the refusals. Building the project and
 * running its tests needs the packages installed from npm: scripts/check-packages.mjs does that.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'smol-toml';
import { repoRoot } from '../../support/fixtures.js';
import { useFileTrees } from '../../support/file-trees.js';

const trees = useFileTrees('proto-pdk-new-');
const protoPdk = (args: string[], cwd: string) =>
  spawnSync(process.execPath, [join(repoRoot, 'pdk/bin/proto-pdk.mjs'), ...args], { cwd, encoding: 'utf8' });

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name), base) : [join(dir, entry.name).slice(base.length + 1)]))
    .sort();
}

describe('proto-pdk new', () => {
  it('writes a project whose scripts build the plugin and test it with the generators', () => {
    const cwd = trees.tree({});
    const result = protoPdk(['new', 'my-tool'], cwd);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /cd my-tool\n\s+npm install\n\s+npm test/);
    const project = join(cwd, 'my-tool');
    assert.deepEqual(listFiles(project), ['.gitignore', '.prototools', 'README.md', 'package.json', 'src/plugin.ts', 'tests/plugin.test.ts']);

    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
    const pdkVersion = JSON.parse(readFileSync(join(repoRoot, 'pdk/package.json'), 'utf8')).version;
    assert.equal(pkg.scripts.build, 'proto-pdk build src/plugin.ts --out build/my-tool.wasm');
    assert.match(pkg.scripts.test, /^npm run build && node --import @proto-ts\/test-utils\/register --test tests\/plugin\.test\.ts$/);
    assert.deepEqual(Object.keys(pkg.devDependencies).sort(), ['@proto-ts/pdk', '@proto-ts/test-utils', 'tsx']);
    assert.equal(pkg.devDependencies['@proto-ts/pdk'], `^${pdkVersion}`);
    assert.equal(pkg.type, 'module');

    // .prototools points proto at the build.
    assert.deepEqual(JSON.parse(JSON.stringify(parse(readFileSync(join(project, '.prototools'), 'utf8')))), { plugins: { tools: { 'my-tool': 'file://./build/my-tool.wasm' } } });
    const source = readFileSync(join(project, 'src/plugin.ts'), 'utf8');
    assert.match(source, /const TOOL_NAME = "MyTool";/);
    for (const fn of ['register_tool', 'load_versions', 'download_prebuilt', 'locate_executables']) {
      assert.match(source, new RegExp(`export function ${fn}\\(\\): i32`), fn);
    }
    assert.match(source, /"my-tool: " \+ functionName \+ " is not implemented yet/);
    const test = readFileSync(join(project, 'tests/plugin.test.ts'), 'utf8');
    assert.match(test, /generateResolveVersionsTests\(ID/);
    assert.doesNotMatch(`${source}${test}`, /__ID__|__NAME__/, 'every placeholder is filled');
  });

  it('refuses a bad id, and a directory that is not empty, leaving it alone', () => {
    const cwd = trees.tree({ 'taken/keep.txt': 'mine' });
    const bad = protoPdk(['new', 'My Tool'], cwd);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /"My Tool" is not a valid tool id\nhint: use lowercase letters/);
    const taken = protoPdk(['new', 'taken'], cwd);
    assert.equal(taken.status, 1);
    assert.match(taken.stderr, /taken already exists and is not an empty directory/);
    assert.deepEqual(readdirSync(join(cwd, 'taken')), ['keep.txt']);
    assert.deepEqual(readdirSync(cwd).sort(), ['taken']);
  });

  it('writes into --dir, keeping the name as the tool id', () => {
    const cwd = trees.tree({});
    mkdirSync(join(cwd, 'empty'));
    writeFileSync(join(cwd, 'other.txt'), '');
    const result = protoPdk(['new', 'zig', '--dir', 'empty'], cwd);
    assert.equal(result.status, 0, result.stderr);
    assert.match(readFileSync(join(cwd, 'empty/.prototools'), 'utf8'), /^zig = "file:\/\/\.\/build\/zig\.wasm"$/m);
  });

  it('explains itself with --help, and passes build through to proto-pdk-build', () => {
    const help = protoPdk(['--help'], repoRoot);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /proto-pdk new <name> \[--dir <path>\]/);
    const build = protoPdk(['build', '--help'], repoRoot);
    assert.equal(build.status, 0);
    assert.match(build.stdout, /usage: proto-pdk-build <entry\.ts> --out <file\.wasm> \[--debug\] \[--json-as\]/);
  });
});
