/** Running helper processes of the reliability tests and collecting what they print. */
import { spawn, type SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a process to its end; `guardMs` kills it (SIGKILL) if it is still running by then. */
export function runToEnd(file: string, args: readonly string[], options: SpawnOptions & { guardMs?: number } = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: REPO_ROOT, ...options, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** Runs a TypeScript file of this repo with Node (through the repo's TS loader). */
export function runTs(script: string, args: readonly string[], options: SpawnOptions & { guardMs?: number } = {}): Promise<Finished> {
  return runToEnd(process.execPath, ['--import', './scripts/register-ts.mjs', script, ...args], {
    ...options,
    env: { ...process.env, NODE_NO_WARNINGS: '1', ...options.env },
  });
}
