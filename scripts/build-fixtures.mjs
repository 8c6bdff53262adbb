#!/usr/bin/env node
// Builds every fixture plugin from source into fixtures/build/ (never committed):
//  - AssemblyScript plugins: each directory under fixtures/plugins/ that has a `plugin.json`
//    ({ "entry": "src/plugin.ts", "output": "<name>.wasm", "extraSources"?: ["../other/src"] }),
//    compiled with the PDK's build command;
//  - plugins kept as WebAssembly text: fixtures/plugins/{hostile,probe,scan}/*.wat, assembled with wabt
//    into fixtures/build/{hostile,probe,scan}/*.wasm.
// A plugin is rebuilt only when one of its sources (or the PDK) is newer than its .wasm.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pluginsDir = join(root, 'fixtures/plugins');
const outDir = join(root, 'fixtures/build');
mkdirSync(outDir, { recursive: true });

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name === 'build') continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

function isStale(output, sources) {
  if (!existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return sources.some((source) => existsSync(source) && newestMtime(source) > built);
}

let failures = 0;

// AssemblyScript plugins written with our PDK.
const pdkBuild = join(root, 'pdk/bin/build.mjs');
for (const name of readdirSync(pluginsDir)) {
  const dir = join(pluginsDir, name);
  const manifestPath = join(dir, 'plugin.json');
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const output = join(outDir, manifest.output);
  // Only sources decide staleness (not tests or snapshots next to them); `extraSources` names
  // directories of other plugins this one imports.
  const sources = [join(dir, dirname(manifest.entry)), ...(manifest.extraSources ?? []).map((extra) => join(dir, extra))];
  if (!isStale(output, [...sources, join(root, 'pdk/assembly'), pdkBuild])) continue;
  const started = Date.now();
  const result = spawnSync(process.execPath, [pdkBuild, join(dir, manifest.entry), '--out', output, ...(manifest.buildArgs ?? [])], {
    stdio: 'inherit',
    cwd: root,
  });
  if (result.status !== 0) {
    console.error(`fixtures: building ${name} failed`);
    failures++;
  } else {
    console.error(`fixtures: built ${manifest.output} in ${Date.now() - started} ms`);
  }
}

// Plugins kept as readable WebAssembly text.
let wabt;
for (const group of ['hostile', 'probe', 'scan']) {
  const groupDir = join(pluginsDir, group);
  if (!existsSync(groupDir)) continue;
  wabt ??= await (await import('wabt')).default();
  for (const file of readdirSync(groupDir).filter((f) => f.endsWith('.wat'))) {
    const source = join(groupDir, file);
    const output = join(outDir, group, file.replace(/\.wat$/, '.wasm'));
    if (!isStale(output, [source])) continue;
    try {
      const module = wabt.parseWat(file, readFileSync(source, 'utf8'));
      const { buffer } = module.toBinary({});
      mkdirSync(dirname(output), { recursive: true });
      writeFileSync(output, buffer);
      module.destroy();
    } catch (error) {
      console.error(`fixtures: assembling ${file} failed: ${error.message}`);
      failures++;
    }
  }
}

process.exit(failures === 0 ? 0 : 1);
