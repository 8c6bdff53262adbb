#!/usr/bin/env node
// proto-pdk-build <entry.ts> --out <file.wasm> [--debug] [--json-as] [extra asc flags...]
//
// Compiles an AssemblyScript plugin written with @proto-ts/pdk into a module
// that Extism hosts (and proto) can load, then checks the result:
//  - `--use abort=protoPdkAbort`: asc's default `abort` is an `env.abort`
//    import that no Extism host provides (instantiation would fail); the PDK's
//    handler reports the message through Extism instead;
//  - the `incremental` runtime: garbage is collected automatically while a
//    plugin instance serves many calls. (`minimal`/`stub` are ~40 KB smaller
//    but need `__collect()` at points where no object is on the stack, which
//    plugin code cannot be trusted to respect.) Nothing is exported for the
//    host, which only moves bytes through Extism memory: no `--exportRuntime`;
//  - no json-as transform unless `--json-as` asks for it: the PDK reads and
//    writes protocol JSON itself (see pdk/README.md), and the transform only
//    slows the build (same module out, ~11% longer). With `--json-as`, plugins
//    may use json-as `@json` classes for their own data; json-as is then
//    resolved from the plugin project (an optional peer of this package);
//  - release: `-O3 --noAssert`, no names section, no source map. (`-Oz` was
//    measured 15% smaller but ~50% slower on a 500-version load_versions;
//    `--converge` saved 80 bytes for 2 s of build time.)
//    `--debug`: unoptimized, assertions on, names kept, source map written.
// assemblyscript is resolved from this package's dependencies, so the command
// works both in this repository and in a plugin project that installed
// @proto-ts/pdk.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

const USAGE = 'usage: proto-pdk-build <entry.ts> --out <file.wasm> [--debug] [--json-as] [extra asc flags...]';

// Imports an Extism host may satisfy. Anything else would fail at load time.
const HOST_MODULES = new Set(['extism:host/env', 'extism:host/user', 'wasi_snapshot_preview1']);

function fail(message) {
  console.error(`proto-pdk-build: ${message}`);
  process.exit(1);
}

function parseArgs(argv) {
  const options = { entry: null, out: null, debug: false, jsonAs: false, ascFlags: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === '--out' || arg === '-o') {
      options.out = argv[++i] ?? fail('--out needs a file name');
    } else if (arg === '--debug') {
      options.debug = true;
    } else if (arg === '--json-as') {
      options.jsonAs = true;
    } else if (arg.startsWith('-')) {
      options.ascFlags.push(arg); // passed through, e.g. --enable simd
    } else if (options.entry === null) {
      options.entry = arg;
    } else {
      options.ascFlags.push(arg); // value of a passed-through flag
    }
  }
  if (!options.entry || !options.out) fail(USAGE);
  return options;
}

const options = parseArgs(process.argv.slice(2));
const entry = resolve(options.entry);
const out = resolve(options.out);
if (!existsSync(entry)) fail(`entry file not found: ${entry}`);
// json-as treats any `assembly/index.ts` as its own library entry and the
// build silently produces a module without exports.
if (options.jsonAs && /[\\/]assembly[\\/]index\.ts$/.test(entry)) {
  fail(`the entry must not be at assembly/index.ts (json-as mistakes it for its own entry); use e.g. src/plugin.ts`);
}

const require = createRequire(import.meta.url);
// `assemblyscript/asc` is exported for `import` only, so it is resolved the
// ESM way (from this file, like createRequire would).
const ascUrl = import.meta.resolve('assemblyscript/asc');
const jsonAsFlags = options.jsonAs ? ['--transform', resolveJsonAsTransform()] : [];
// The PDK imports kernel declarations from @extism/as-pdk; asc looks for
// packages in node_modules above the current directory, so point it at the
// node_modules this PDK's own dependencies live in as well.
const asPdkDir = dirname(require.resolve('@extism/as-pdk/package.json'));
const dependencyRoot = resolve(asPdkDir, '..', '..');

const modeFlags = options.debug
  ? ['--debug', '--sourceMap']
  : ['-O3', '--noAssert'];

const ascArgs = [
  relative(process.cwd(), entry) || entry,
  '--outFile', out,
  '--runtime', 'incremental',
  '--use', 'abort=protoPdkAbort',
  ...jsonAsFlags,
  '--path', dependencyRoot,
  ...modeFlags,
  ...options.ascFlags,
];

mkdirSync(dirname(out), { recursive: true });
const asc = await import(ascUrl);
// asc prints diagnostics itself; keep a copy to explain the one it cannot.
let diagnostics = '';
const stderr = {
  write(chunk) {
    diagnostics += String(chunk);
    return process.stderr.write(chunk);
  },
};
const result = await asc.main(ascArgs, { stdout: process.stdout, stderr });
if (result.error) {
  if (diagnostics.includes("'protoPdkAbort' not found")) {
    fail('compilation failed: the entry does not import @proto-ts/pdk (its abort handler is needed even by plugins that use nothing else)');
  }
  fail(`compilation failed: ${result.error.message}`);
}

checkModule(out);

/** json-as from the plugin project first (where an author installs it), else next to this package. */
function resolveJsonAsTransform() {
  for (const base of [resolve('package.json'), import.meta.url]) {
    try {
      return createRequire(base).resolve('json-as/transform');
    } catch {
      // not installed there
    }
  }
  return fail('--json-as needs the json-as package: npm install --save-dev json-as');
}

/**
 * Fails with a readable message when the module could not run as a plugin,
 * deleting it so that no up-to-date check mistakes it for a good build.
 */
function checkModule(file) {
  const reject = (message) => {
    rmSync(file, { force: true });
    fail(message);
  };
  let module;
  try {
    module = new WebAssembly.Module(readFileSync(file));
  } catch (error) {
    reject(`${file} is not a valid WebAssembly module: ${error.message}`);
  }
  const functions = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function');
  if (functions.length === 0) {
    reject(`${file} exports no functions: export the plugin functions (register_tool, ...) from the entry file`);
  }
  const foreign = WebAssembly.Module.imports(module).filter((i) => !HOST_MODULES.has(i.module));
  if (foreign.length > 0) {
    const names = foreign.map((i) => `${i.module}.${i.name}`).join(', ');
    reject(
      `${file} imports ${names}, which Extism hosts do not provide ` +
        `(trace() needs env.trace, Math.random needs env.seed; remove those calls)`,
    );
  }
  const kb = (statSync(file).size / 1024).toFixed(1);
  console.error(`proto-pdk-build: wrote ${relative(process.cwd(), file) || file} (${kb} KB, ${options.debug ? 'debug' : 'release'})`);
}
