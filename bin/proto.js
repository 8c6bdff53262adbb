#!/usr/bin/env node
// The `proto` command. Kept tiny: it answers `--version` and help without building the program
// (see src/cli/fast-path.ts), makes sure proto does not run on a Node it manages (see
// src/node-runtime.ts: the usual case costs two realpath calls, otherwise proto starts itself
// again on a suitable Node), hides the one warning Node 20 prints for WASI, then starts the
// compiled CLI. It loads the bundles the build writes (dist/bundle/*.cjs, see
// scripts/bundle-cli.mjs) instead of ~120 modules: the cached answers (src/cli/cached-answers.ts)
// for the commands whose answer is on disk, else the program; each carries the Node check.
// Bundles older than the compiled program (a bare `tsc` since) are passed over for the modules in dist/.
//
// CommonJS (bin/package.json says so): an ES module entry costs every run the start of Node's
// ES module loader, and its view of node:fs loads the stream modules.
'use strict';
const { closeSync, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const module_ = require('node:module');
const { dirname, isAbsolute, join } = require('node:path');

// Node >= 22.1 can cache compiled bytecode between runs (for this file and the small bundles it
// requires; the large ones have V8's code cache, see loadBundle); Node 20 simply lacks the API.
// First, so that everything below is cached too.
module_.enableCompileCache?.();

const DIST = join(__dirname, '..', 'dist');
/** The Node the command bundles are built for (`target` in scripts/bundle-cli.mjs). */
const BUNDLES_NODE_MAJOR = 20;
/** dist/bundle/start.cjs once loaded, and the store root once found (declared here: start() runs before the end of this file). */
let startExports;
let storeRootFound;

/**
 * Loads one of our modules. With require() where Node loads ES modules that way (20.19+,
 * 22.12+): it reads the whole module graph synchronously, where import() reads each file through
 * libuv's thread pool, a round trip per module that a loaded machine makes slow. import() elsewhere.
 */
async function load(path) {
  try {
    return require(join(DIST, path));
  } catch (error) {
    if (error?.code !== 'ERR_REQUIRE_ESM' && error?.code !== 'ERR_REQUIRE_ASYNC_MODULE') throw error;
  }
  return import(require('node:url').pathToFileURL(join(DIST, path)).href);
}

/**
 * Whether dist/bundle holds bundles of the compiled program as it is now. The build writes
 * cli.cjs last, so the others are there when it is.
 */
function bundlesFresh() {
  try {
    return statSync(join(DIST, 'bundle/cli.cjs')).mtimeMs >= statSync(join(DIST, 'cli/main.js')).mtimeMs;
  } catch {
    return false;
  }
}

/**
 * Whether `args` may ask for the version or help (src/cli/fast-path.ts decides): none, `help ...`,
 * `--version`, `-V`, or `--help`/`-h` last. A cheap look, so that other commands do not load it.
 */
function mayAskForFastAnswer(args) {
  const last = args[args.length - 1];
  return args.length === 0 || args[0] === 'help' || args[0] === '--version' || args[0] === '-V' || last === '--help' || last === '-h';
}

start().catch((error) => {
  // What escaped main() (which reports errors itself): a bug, shown as Node shows one.
  process.exitCode = 1;
  console.error(error);
});

async function start() {
  const args = process.argv.slice(2);
  const bundled = bundlesFresh();
  // The version and the help texts are the same whichever Node runs proto: answered before one is chosen.
  if (mayAskForFastAnswer(args)) {
    let fastPath;
    try {
      fastPath = bundled ? require(join(DIST, 'bundle/fast-path.cjs')) : await load('cli/fast-path.js');
    } catch (error) {
      // A Node too old to read it: the Node check below says so.
      if (!(error instanceof SyntaxError)) throw error;
    }
    if (fastPath?.writeFastAnswer(args)) return;
  }

  if (!bundled) {
    await chooseNode(await readableOrRefuse(() => load('node-runtime.js')));
    hideWasiWarning();
    const { main, writeStdoutDirectly } = await load('cli/main.js');
    writeStdoutDirectly();
    process.exitCode = await main(process.argv);
    return;
  }
  // The bundle that runs the command carries the Node check (one file less to read on every run).
  // A Node older than the bundles are built for may fail to read or start them: the launcher
  // bundle, built for Node 16, checks it first (and starts proto again on a suitable Node).
  if (Number(process.versions.node.split('.')[0]) < BUNDLES_NODE_MAJOR) await chooseNode(await readableOrRefuse(() => require(join(DIST, 'bundle/launcher.cjs'))));
  const cachedCommand = startBundle().cachedCommand(args);
  if (cachedCommand !== undefined) {
    // Answers on disk (list-remote with a cached version list, bin, list, status) come from a
    // bundle a third of the program's size; it hands over, having written nothing, when it cannot.
    // A code cache per command: each holds the functions its command compiled.
    const cached = await readableOrRefuse(() => loadBundle('cached.cjs', cachedCommand));
    await chooseNode(cached.exports);
    hideWasiWarning();
    const answered = await cached.exports.answerFromCaches(process.argv);
    cached.saveCodeCache();
    if (answered !== undefined) {
      process.exitCode = answered;
      return;
    }
  }
  // A code cache for each frequent command too (src/cli/command-line.ts programCodeCache).
  const program = await readableOrRefuse(() => loadBundle('cli.cjs', startBundle().programCodeCache(args)));
  if (cachedCommand === undefined) {
    await chooseNode(program.exports);
    hideWasiWarning();
  }
  // Results go to a pipe or file with write(2) until something creates process.stdout (stdout.ts).
  program.exports.writeStdoutDirectly();
  process.exitCode = await program.exports.main(process.argv);
  program.saveCodeCache();
}

/** What `read()` returns, unless this Node is too old to even read our code: then proto stops, saying so. */
async function readableOrRefuse(read) {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    // The engines check never ran.
    process.stderr.write(`error[cli.node_unsuitable]: proto cannot run on Node ${process.version} (${process.execPath}).\n` +
      'hint: Set PROTO_NODE to a newer Node that proto does not manage, or put one first on PATH.\n');
    process.exit(1);
  }
}

/**
 * Makes sure proto does not run on a Node it manages or one too old (src/node-runtime.ts, which
 * `runtime` exports): returns when this Node will do, else starts proto again on another or stops.
 */
async function chooseNode(runtime) {
  const decision = runtime.decideNode({
    execPath: process.execPath,
    version: process.versions.node,
    env: process.env,
    required: runtime.requiredNode(),
    recordedNode: runtime.recordedInstallNode,
  });
  // The marker is for us only: tools proto runs (a node that runs proto again) must not inherit it.
  delete process.env[runtime.RELAUNCH_MARKER];
  if (decision.kind === 'refuse') {
    const { formatErrorReport } = await load('cli/output/format-error.js');
    process.stderr.write(formatErrorReport({ code: 'cli.node_unsuitable', message: decision.message, hint: decision.hint }));
    process.exit(1);
  }
  if (decision.kind === 'relaunch') await relaunch(runtime, decision.node);
}

/**
 * Loads a bundle. Without a cache, Node 20 compiles the 600 KB program from source on every run,
 * about 12 ms of CPU, and every function again when it first runs. V8's code cache spares most of
 * that: kept in the store (`cache/code`, the user's own, like the tools it runs), used only when
 * the file belongs to this user, and named by the bundle's size, time and inode and V8's version,
 * so a rebuilt bundle or another Node never reads an old one (V8 itself refuses data made with
 * other flags). Written after the command, so that the functions it compiled on the way are in it
 * (`variant` keeps one per kind of run apart, so that each has its own). Anything wrong: the
 * bundle is compiled from source as usual.
 * On every Node, also those with a compile cache (enableCompileCache above): Node writes that as a
 * module is compiled, before any of its functions ran, so it holds the top level only, and each
 * run compiled again every function it called. Measured on Node 24 and 22 (bench/cold-paths.ts,
 * bench/install-many.ts, docs/benchmark-history.md): list-remote, bin, list, status, run and
 * install take ~5-15% less CPU with this cache.
 */
function loadBundle(name, variant) {
  const file = join(DIST, 'bundle', name);
  const plain = () => ({ exports: require(file), saveCodeCache: () => undefined });
  if (typeof process.getuid !== 'function') return plain();
  let script;
  let cachePath;
  let cachedData;
  try {
    const vm = require('node:vm');
    const bundle = statSync(file);
    const prefix = `${name.replace(/\.cjs$/, '')}-${variant === undefined ? '' : `${variant}-`}${pathDigest(file)}-`;
    const cacheDir = codeCacheDir();
    cachePath = join(cacheDir.path, `${prefix}${process.versions.v8}-${bundle.size}-${Math.trunc(bundle.mtimeMs)}-${bundle.ino}.bin`);
    cachedData = readOwnFile(cachePath);
    script = new vm.Script(module_.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
    const loaded = new module_(file, module);
    loaded.filename = file;
    loaded.paths = module_._nodeModulePaths(dirname(file));
    script.runInThisContext().call(loaded.exports, loaded.exports, module_.createRequire(file), loaded, file, dirname(file));
    loaded.loaded = true;
    let stale = cachedData === undefined || script.cachedDataRejected === true;
    const save = () => {
      // Once per run.
      if (stale) saveCodeCache(script, cacheDir.within, cachePath, prefix);
      stale = false;
    };
    return { exports: loaded.exports, saveCodeCache: save };
  } catch {
    return plain();
  }
}

/**
 * Where code caches are kept: the store's `cache/code`, or PROTO_CODE_CACHE_DIR when it names an
 * existing directory that is this user's and that no one else may write (anything else is ignored).
 * A test suite points its many throwaway stores at one, so that each command does not compile the
 * program again. `within` is what must exist before a cache is written there.
 */
function codeCacheDir() {
  const chosen = process.env.PROTO_CODE_CACHE_DIR;
  if (chosen && isAbsolute(chosen)) {
    try {
      const dir = lstatSync(chosen);
      if (dir.isDirectory() && dir.uid === process.getuid() && (dir.mode & 0o022) === 0) return { path: chosen, within: chosen };
    } catch {
      // not there: the store's
    }
  }
  const storeRoot = resolveStoreRoot();
  return { path: join(storeRoot, 'cache', 'code'), within: storeRoot };
}

/** What the launcher needs before a command's bundle: which command runs, and where the store is. */
function startBundle() {
  startExports ??= require(join(DIST, 'bundle/start.cjs'));
  return startExports;
}

/** The store (where code caches are kept); found once, when needed. */
function resolveStoreRoot() {
  storeRootFound ??= startBundle().resolveStoreRoot();
  return storeRootFound;
}

/**
 * A short digest of a path (FNV-1a, no crypto module to load): code caches are named by the
 * bundle's place, so that two installations of proto sharing a store (two projects, two
 * versions) each replace only their own cache instead of each other's on every run.
 */
function pathDigest(path) {
  let hash = 0x811c9dc5;
  for (let index = 0; index < path.length; index++) hash = Math.imul(hash ^ path.charCodeAt(index), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** The file's bytes when it exists and belongs to this user, else undefined. */
function readOwnFile(path) {
  let fd;
  try {
    fd = openSync(path, 'r');
    return fstatSync(fd).uid === process.getuid() ? readFileSync(fd) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes the code cache (only into a store that exists, which the session made private, or into
 * the chosen directory), replacing older ones.
 */
function saveCodeCache(script, within, cachePath, prefix) {
  try {
    statSync(within);
    const dir = dirname(cachePath);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const old of readdirSync(dir)) if (old.startsWith(prefix)) rmSync(join(dir, old), { force: true });
    const temp = `${cachePath}.${process.pid}.tmp`;
    writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
    renameSync(temp, cachePath);
  } catch {
    // Only a speed-up: the next run compiles from source again.
  }
}

/**
 * Drops Node 20's WASI warning from stderr (plugin workers print theirs through it). The stream
 * is wrapped when first used: Node creates process.stderr on first access, which costs a command
 * that never writes to stderr (most cached answers) about 1.5 ms.
 */
function hideWasiWarning() {
  const descriptor = Object.getOwnPropertyDescriptor(process, 'stderr');
  if (typeof descriptor?.get !== 'function' || !descriptor.configurable) {
    wrapStderr(process.stderr);
    return;
  }
  Object.defineProperty(process, 'stderr', {
    configurable: true,
    enumerable: descriptor.enumerable,
    get() {
      const stream = descriptor.get.call(process);
      Object.defineProperty(process, 'stderr', { configurable: true, enumerable: descriptor.enumerable, get: () => stream });
      wrapStderr(stream);
      return stream;
    },
  });
}

function wrapStderr(stream) {
  const WASI_WARNING = /^\(node:\d+\) ExperimentalWarning: WASI is an experimental feature.*\n(\(Use `node --trace-warnings[^\n]*\n)?/;
  const writeStderr = stream.write.bind(stream);
  stream.write = (chunk, ...rest) => {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (text.includes('WASI is an experimental feature') || text.startsWith('(Use `node --trace-warnings')) {
        const rest_ = text.replace(WASI_WARNING, '').replace(/^\(Use `node --trace-warnings[^\n]*\n/, '');
        if (rest_ === '') {
          const callback = rest.find((arg) => typeof arg === 'function');
          callback?.();
          return true;
        }
        return writeStderr(rest_, ...rest);
      }
    }
    return writeStderr(chunk, ...rest);
  };
}

/**
 * Runs this same command on `node` and exits as it exits. Where Node has `process.execve`
 * (>= 22.15), this process becomes the other one: no second Node stays around, and signals and
 * the exit status need no passing on. Otherwise a child runs it, with signals passed on.
 * Never returns.
 */
async function relaunch(runtime, node) {
  const args = [...process.execArgv, __filename, ...process.argv.slice(2)];
  const env = { ...process.env, [runtime.RELAUNCH_MARKER]: '1' };
  if (typeof process.execve === 'function') {
    try {
      process.execve(node, [node, ...args], env);
    } catch (error) {
      process.stderr.write(`error[cli.node_unsuitable]: could not start proto on ${node}: ${error.message}\n`);
      process.exit(1);
    }
  }
  const { spawn } = require('node:child_process');
  const child = spawn(node, args, { stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']) process.on(signal, () => child.kill(signal));
  await new Promise(() => {
    child.on('error', (error) => {
      process.stderr.write(`error[cli.node_unsuitable]: could not start proto on ${node}: ${error.message}\n`);
      process.exit(1);
    });
    child.on('exit', (code, signal) => {
      if (signal) {
        process.removeAllListeners(signal);
        process.kill(process.pid, signal);
      }
      process.exit(code ?? 1);
    });
  });
}
