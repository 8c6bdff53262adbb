/** Spawning the built CLI (`bin/proto.js` → `dist/`) the way users do, for end-to-end tests. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './fixtures.js';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestMtime(path) : stat.mtimeMs);
  }
  return newest;
}

/** Compiles src/ into dist/ when dist is missing or older than the sources. */
export function ensureBuiltCli(): void {
  const marker = join(repoRoot, 'dist/cli/main.js');
  if (existsSync(marker) && statSync(marker).mtimeMs >= newestMtime(join(repoRoot, 'src'))) return;
  const result = spawnSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`building the CLI failed:\n${result.stdout}${result.stderr}`);
}

export const protoBin = join(repoRoot, 'bin/proto.js');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `proto <args>` in `cwd` with exactly `env` (a sandbox env, not ours). */
export function proto(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; input?: string }): CliResult {
  const result = spawnSync(process.execPath, [protoBin, ...args], { cwd: options.cwd, env: options.env, encoding: 'utf8', input: options.input });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
