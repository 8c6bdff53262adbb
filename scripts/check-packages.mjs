#!/usr/bin/env node
// `npm run check-packages`: the three packages work where users install them, outside this
// checkout. In a temporary directory it
//   1. packs the CLI (proto-ts), @proto-ts/pdk and @proto-ts/test-utils with `npm pack`;
//   2. installs the CLI and the PDK globally into a private prefix (`npm i -g <tarball>`);
//   3. runs `proto --version`, `proto plugin index validate` on a one-plugin index (the shipped
//      JSON Schema and its validator at work) and `proto-pdk new demo`;
//   4. installs the three tarballs into the new project and runs its `npm test`.
// Dependencies come from the npm registry; nothing is read from the checkout after packing.
// `--keep` leaves the directory for inspection.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'proto-ts-packages-'));
const tarballs = join(work, 'tarballs');
const prefix = join(work, 'global');
const projects = join(work, 'projects');
mkdirSync(tarballs);
mkdirSync(projects);
const env = { ...process.env, PATH: `${join(prefix, 'bin')}${delimiter}${process.env.PATH}`, npm_config_fund: 'false', npm_config_audit: 'false' };
delete env.npm_config_prefix; // `npm run` sets it to this checkout's prefix; the installs say their own

let failed = false;
function step(title, command, args, cwd, { quiet = false } = {}) {
  const started = Date.now();
  console.log(`\n▶ ${title}\n  $ ${[command, ...args].join(' ')}   (in ${cwd})`);
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.stdout && (!quiet || result.status !== 0)) process.stdout.write(`${result.stdout.replace(/\n$/, '').replace(/^/gm, '  ')}\n`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.log(`✖ ${title} failed (exit ${result.status ?? result.signal}) after ${seconds} s`);
    failed = true;
    finish();
  }
  console.log(`✔ ${title} (${seconds} s)`);
  return result.stdout;
}

function finish() {
  if (keep) console.log(`\nleft in ${work}`);
  else rmSync(work, { recursive: true, force: true });
  console.log(failed ? '\ncheck-packages: FAILED' : '\ncheck-packages: the packages install and work outside the checkout');
  process.exit(failed ? 1 : 0);
}

const pack = (title, extra) => {
  const out = step(title, 'npm', ['pack', '--json', '--pack-destination', tarballs, ...extra], root, { quiet: true });
  const [{ filename, entryCount, size }] = JSON.parse(out);
  console.log(`  ${filename}: ${entryCount} files, ${(size / 1024).toFixed(0)} KiB`);
  return join(tarballs, filename);
};
const cli = pack('pack proto-ts (the CLI)', []);
const pdk = pack('pack @proto-ts/pdk', ['--workspace', 'pdk']);
const testUtils = pack('pack @proto-ts/test-utils', ['--workspace', 'test-utils']);

step('install the CLI and the PDK globally (private prefix)', 'npm', ['install', '--global', '--prefix', prefix, cli, pdk], work);
const version = step('proto --version', 'proto', ['--version'], projects).trim();
const expected = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
if (!version.includes(expected)) {
  console.log(`✖ proto --version printed "${version}", expected ${expected}`);
  failed = true;
  finish();
}
const index = join(work, 'index');
mkdirSync(join(index, 'manifests/demo'), { recursive: true });
const manifest = { name: 'demo', version: '1.0.0', description: 'A demo plugin', license: 'MIT', protoCompatibility: '>=0.1', packages: [{ os: 'any', arch: 'any', url: 'https://example.com/demo.wasm', sha256: '0'.repeat(64) }] };
writeFileSync(join(index, 'manifests/demo/demo.json'), JSON.stringify(manifest));
writeFileSync(join(index, 'manifests/demo/demo.license'), 'MIT\n');
step('proto plugin index validate (the shipped manifest schema)', 'proto', ['plugin', 'index', 'validate', index], projects);
step('proto-pdk new demo', 'proto-pdk', ['new', 'demo'], projects);
const demo = join(projects, 'demo');
// Not published yet: the project takes the three packages from the tarballs just made.
step('install the packages into the demo project', 'npm', ['install', '--save-dev', cli, pdk, testUtils], demo);
step("the demo project's npm test", 'npm', ['test'], demo);
finish();
