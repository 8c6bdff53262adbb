/**
 * The e2e tests run the CLI as users do: `node bin/proto.js …`, which loads the COMPILED code in
 * dist/. `ensureCliBuilt` recompiles src/ when any source is newer than the last build, so a test
 * run never checks yesterday's dist. `npm test` calls it once before the test files start
 * (scripts/run-tests.mjs runs this file); test files call it again, which is then a stat walk.
 * Test files may run in parallel processes: a lock directory makes one of them build while the
 * others wait, then re-check.
 *
 * The build is incremental (its .tsbuildinfo is kept in node_modules/.cache): after an edit only
 * the affected files are checked and emitted, ~3 s of CPU instead of ~9 s. tsc then leaves
 * unchanged outputs alone, so the time of the last build is a stamp file's, not dist's.
 */
import { execFile, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, rmSync, rmdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { repoRoot } from './fixtures.js';

const BUILT_ENTRY = join(repoRoot, 'dist/cli/main.js');
const CACHE_DIR = join(repoRoot, 'node_modules/.cache');
const LOCK_DIR = join(CACHE_DIR, 'proto-e2e-build.lock');
const BUILD_INFO = join(CACHE_DIR, 'proto-dist.tsbuildinfo');
const BUILT_STAMP = join(CACHE_DIR, 'proto-dist.built');
/** The V8 code cache of the CLI that every command of the run shares (see `withSharedCodeCache`). */
const SHARED_CODE_CACHE = join(CACHE_DIR, 'proto-code-cache');
/** A lock older than this was left by a killed process. */
const STALE_LOCK_MS = 120_000;

export const CLI = join(repoRoot, 'bin/proto.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function mtimeOf(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function buildIsStale(): boolean {
  const entry = mtimeOf(BUILT_ENTRY);
  if (entry === undefined) return true;
  // Without a stamp, dist/ was written by `npm run build` (or `npm ci`'s prepare).
  return newestMtime(join(repoRoot, 'src')) > (mtimeOf(BUILT_STAMP) ?? entry);
}

function tryLock(): boolean {
  try {
    mkdirSync(LOCK_DIR, { recursive: false });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      mkdirSync(CACHE_DIR, { recursive: true });
      return tryLock();
    }
    try {
      if (Date.now() - statSync(LOCK_DIR).mtimeMs > STALE_LOCK_MS) rmdirSync(LOCK_DIR);
    } catch {
      // someone else removed it meanwhile
    }
    return false;
  }
}

export async function ensureCliBuilt(): Promise<void> {
  while (buildIsStale()) {
    if (!tryLock()) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    try {
      if (!buildIsStale()) return;
      // The build info says which outputs exist; without dist/ it would wrongly skip emitting them.
      if (mtimeOf(BUILT_ENTRY) === undefined) rmSync(BUILD_INFO, { force: true });
      const started = Date.now();
      const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
      const args = [tsc, '-p', 'tsconfig.build.json', '--incremental', '--tsBuildInfoFile', BUILD_INFO];
      // Type errors still emit JavaScript; they are `npm run typecheck`'s business, not this test's.
      await promisify(execFile)(process.execPath, args, { cwd: repoRoot }).catch((error: { stdout?: string }) => {
        process.stderr.write(`e2e: tsc reported problems (building anyway):\n${error.stdout ?? String(error)}\n`);
      });
      // As `npm run build` does: the bundles the launcher loads (so e2e tests run what users run),
      // then the help texts it prints without building the program.
      await promisify(execFile)(process.execPath, [join(repoRoot, 'scripts/bundle-cli.mjs')], { cwd: repoRoot });
      await promisify(execFile)(process.execPath, [join(repoRoot, 'scripts/generate-help.mjs')], { cwd: repoRoot });
      // Dated when the build started: a source saved during the build is newer, so it triggers the next one.
      writeFileSync(BUILT_STAMP, '');
      utimesSync(BUILT_STAMP, started / 1000, started / 1000);
      return;
    } finally {
      rmdirSync(LOCK_DIR);
    }
  }
}

// `node --import ./scripts/register-ts.mjs test/support/cli.ts`: build once before the tests.
if (process.argv[1] === fileURLToPath(import.meta.url)) await ensureCliBuilt();

export interface CliResult {
  code: number | null;
  /** The signal that ended the process (the guard's SIGKILL, say), or null. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI. Asynchronous on purpose: the dist server answering the CLI lives in this
 * very process, so a synchronous spawn would deadlock.
 */
export function runCli(args: readonly string[], options: RunOptions): Promise<CliResult> {
  return runFile(process.execPath, [CLI, ...args], options);
}

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Piped to stdin, which is then closed; without it stdin is /dev/null (immediate end of input). */
  input?: string;
  /** Kill the process (SIGKILL) if it still runs after this many ms: a hang ends as a failure, not a stuck test. */
  guardMs?: number;
}

let sharedCodeCacheMade = false;

/**
 * `env` plus PROTO_CODE_CACHE_DIR naming one directory for the whole run, unless `env` has the key
 * (`PROTO_CODE_CACHE_DIR: undefined` keeps the store's own, for tests of that cache). Every test
 * store is new, so on Node 20 each command would compile the CLI's bundle from source and write a
 * code cache that no later command reads: 20-30 ms of CPU per command, ~550 commands a run.
 */
function withSharedCodeCache(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if ('PROTO_CODE_CACHE_DIR' in env) return env;
  if (!sharedCodeCacheMade) {
    mkdirSync(SHARED_CODE_CACHE, { recursive: true, mode: 0o700 });
    // The launcher ignores a directory others may write; a umask or an old checkout must not make it so.
    chmodSync(SHARED_CODE_CACHE, 0o700);
    sharedCodeCacheMade = true;
  }
  return { ...env, PROTO_CODE_CACHE_DIR: SHARED_CODE_CACHE };
}

/**
 * Runs any executable (a shim, a bin) asynchronously, for the same reason as `runCli`; a shim that
 * starts the CLI shares the run's code cache too.
 */
export function runFile(file: string, args: readonly string[], options: RunOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: withSharedCodeCache(options.env), stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    // The child may exit before reading all of it (a declined prompt): that is not our error.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const guard = options.guardMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.guardMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
