/** Running helper processes of the reliability tests in the repo root (through test/support's runFile). */
import { type CliResult, runFile } from '../../support/cli.js';
import { repoRoot } from '../../support/fixtures.js';
import { tsChildArgs } from '../../support/ts-child.js';

interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** SIGKILL the process if it is still running by then. */
  guardMs?: number;
}

/** Runs a process to its end. */
export function runToEnd(file: string, args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return runFile(file, args, { cwd: repoRoot, env: options.env ?? process.env, guardMs: options.guardMs });
}

/** Runs a TypeScript file of this repo with Node (see tsChildArgs). */
export async function runTs(script: string, args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return runToEnd(process.execPath, [...(await tsChildArgs(script)), ...args], {
    ...options,
    env: { ...process.env, NODE_NO_WARNINGS: '1', ...options.env },
  });
}
