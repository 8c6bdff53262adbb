/** Spawning `install-child.ts` processes and watching their output lines. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildConfig } from './install-child.js';
import { tsChildArgs } from './ts-child.js';

const CHILD = fileURLToPath(new URL('./install-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface InstallChild {
  process: ChildProcess;
  lines: string[];
  stderr: string;
  /** Resolves when a line equal to `line` has been printed (at once if it already was). */
  waitForLine(line: string): Promise<void>;
  /** Resolves with the exit code (or the signal name) once the process has exited and been reaped. */
  exited: Promise<number | string>;
}

export async function spawnInstallChild(config: ChildConfig): Promise<InstallChild> {
  const child = spawn(process.execPath, [...(await tsChildArgs(CHILD)), JSON.stringify(config)], {
    cwd: ROOT,
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: Array<{ line: string; resolve: () => void }> = [];
  let buffer = '';
  const handle: InstallChild = {
    process: child,
    lines,
    stderr: '',
    waitForLine: (line) =>
      new Promise((resolve) => {
        if (lines.includes(line)) resolve();
        else waiters.push({ line, resolve });
      }),
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1))),
  };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    buffer += text;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.line === line)) waiter.resolve();
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    handle.stderr += text;
  });
  return handle;
}
