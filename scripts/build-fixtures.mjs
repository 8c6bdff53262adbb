#!/usr/bin/env node
// Builds every fixture plugin from source into fixtures/build/ (never committed):
//  - AssemblyScript plugins: each directory under fixtures/plugins/ that has a `plugin.json`
//    ({ "entry": "src/plugin.ts", "output": "<name>.wasm", "extraSources"?: ["../other/src"] }),
//    compiled with the PDK's build command, several at once (PROTO_FIXTURE_JOBS, default: one per CPU);
//  - plugins kept as WebAssembly text: fixtures/plugins/{hostile,probe,scan}/*.wat, assembled with wabt
//    into fixtures/build/{hostile,probe,scan}/*.wasm.
// A plugin is rebuilt only when its inputs changed: the sha256 of its sources, the PDK, the build
// command, its build arguments and the compiler versions is kept next to the .wasm
// (`<name>.wasm.inputs`) and compared. Content, not mtimes: a checkout, rebase or `touch` that
// leaves the sources as they were costs nothing (an AssemblyScript build takes 5–25 s of CPU).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pluginsDir = join(root, 'fixtures/plugins');
const outDir = join(root, 'fixtures/build');
const pdkBuild = join(root, 'pdk/bin/build.mjs');
mkdirSync(outDir, { recursive: true });

/** Every file under `path` (or `path` itself), sorted, skipping node_modules and build outputs. */
function filesUnder(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name !== 'node_modules' && name !== 'build')
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

/** sha256 over the names and contents of the inputs, plus any extra facts (flags, versions). */
function inputsHash(paths, facts = []) {
  const hash = createHash('sha256');
  for (const fact of facts) hash.update(`fact ${fact}\n`);
  for (const file of paths.flatMap(filesUnder)) {
    hash.update(`file ${relative(root, file)}\n`);
    hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

const stampOf = (output) => `${output}.inputs`;

function isCurrent(output, hash) {
  try {
    return existsSync(output) && readFileSync(stampOf(output), 'utf8').trim() === hash;
  } catch {
    return false;
  }
}

function packageVersion(name) {
  for (const base of [join(root, 'pdk/node_modules'), join(root, 'node_modules')]) {
    const file = join(base, name, 'package.json');
    if (existsSync(file)) return `${name}@${JSON.parse(readFileSync(file, 'utf8')).version}`;
  }
  return `${name}@missing`;
}

let failures = 0;

// AssemblyScript plugins written with our PDK.
const compilerFacts = [packageVersion('assemblyscript'), packageVersion('@extism/as-pdk')];
const stale = [];
for (const name of readdirSync(pluginsDir).sort()) {
  const dir = join(pluginsDir, name);
  const manifestPath = join(dir, 'plugin.json');
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const output = join(outDir, manifest.output);
  // Only sources decide (not tests or snapshots next to them); `extraSources` names directories
  // of other plugins this one imports.
  const sources = [manifestPath, join(dir, dirname(manifest.entry)), ...(manifest.extraSources ?? []).map((extra) => join(dir, extra))];
  const hash = inputsHash([...sources, join(root, 'pdk/assembly'), pdkBuild], [...compilerFacts, JSON.stringify(manifest.buildArgs ?? [])]);
  if (!isCurrent(output, hash)) stale.push({ name, manifest, output, hash, dir });
}

const jobs = Math.max(1, Number(process.env.PROTO_FIXTURE_JOBS) || availableParallelism());
let next = 0;
await Promise.all(
  Array.from({ length: Math.min(jobs, stale.length) }, async () => {
    while (next < stale.length) await buildPlugin(stale[next++]);
  }),
);

/** One `proto-pdk-build` child; its output is printed in one piece so parallel builds do not interleave. */
async function buildPlugin({ name, manifest, output, hash, dir }) {
  const started = Date.now();
  rmSync(stampOf(output), { force: true });
  const args = [pdkBuild, join(dir, manifest.entry), '--out', output, ...(manifest.buildArgs ?? [])];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (chunk) => (text += chunk));
  child.stderr.on('data', (chunk) => (text += chunk));
  const status = await new Promise((resolve) => {
    child.on('error', (error) => {
      text += `${error.message}\n`;
      resolve(1);
    });
    child.on('close', (code) => resolve(code));
  });
  if (status !== 0) {
    process.stderr.write(text);
    console.error(`fixtures: building ${name} failed`);
    failures++;
    return;
  }
  writeFileSync(stampOf(output), `${hash}\n`);
  console.error(`fixtures: built ${manifest.output} in ${Date.now() - started} ms`);
}

// Plugins kept as readable WebAssembly text.
let wabt;
for (const group of ['hostile', 'probe', 'scan']) {
  const groupDir = join(pluginsDir, group);
  if (!existsSync(groupDir)) continue;
  for (const file of readdirSync(groupDir).filter((f) => f.endsWith('.wat'))) {
    const source = join(groupDir, file);
    const output = join(outDir, group, file.replace(/\.wat$/, '.wasm'));
    const hash = inputsHash([source], [packageVersion('wabt')]);
    if (isCurrent(output, hash)) continue;
    wabt ??= await (await import('wabt')).default();
    try {
      const module = wabt.parseWat(file, readFileSync(source, 'utf8'));
      const { buffer } = module.toBinary({});
      mkdirSync(dirname(output), { recursive: true });
      writeFileSync(output, buffer);
      writeFileSync(stampOf(output), `${hash}\n`);
      module.destroy();
    } catch (error) {
      console.error(`fixtures: assembling ${file} failed: ${error.message}`);
      failures++;
    }
  }
}

process.exit(failures === 0 ? 0 : 1);
