/**
 * The e2e tests run the CLI as users do: `node bin/proto.js …`, which loads the COMPILED code in
 * dist/. `ensureCliBuilt` recompiles src/ when any source is newer than the build, so a test run
 * never checks yesterday's dist. Test files may run in parallel processes: a lock directory
 * makes one of them build while the others wait, then re-check.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './fixtures.js';

const BUILT_ENTRY = join(repoRoot, 'dist/cli/main.js');
const LOCK_DIR = join(repoRoot, 'node_modules/.cache/proto-e2e-build.lock');
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

function buildIsStale(): boolean {
  let built: number;
  try {
    built = statSync(BUILT_ENTRY).mtimeMs;
  } catch {
    return true;
  }
  return newestMtime(join(repoRoot, 'src')) > built;
}

function tryLock(): boolean {
  try {
    mkdirSync(LOCK_DIR, { recursive: false });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      mkdirSync(join(LOCK_DIR, '..'), { recursive: true });
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
      const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
      // Type errors still emit JavaScript; they are `npm run typecheck`'s business, not this test's.
      await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: repoRoot }).catch((error: { stdout?: string }) => {
        process.stderr.write(`e2e: tsc reported problems (building anyway):\n${error.stdout ?? String(error)}\n`);
      });
      // As `npm run build` does: the help texts the launcher prints without building the program.
      await promisify(execFile)(process.execPath, [join(repoRoot, 'scripts/generate-help.mjs')], { cwd: repoRoot });
      return;
    } finally {
      rmdirSync(LOCK_DIR);
    }
  }
}

export interface CliResult {
  code: number | null;
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
}

/** Runs any executable (a shim, a bin) asynchronously, for the same reason as `runCli`. */
export function runFile(file: string, args: readonly string[], options: RunOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    // The child may exit before reading all of it (a declined prompt): that is not our error.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
