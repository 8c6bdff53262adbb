/**
 * test-utils' sandboxes leave nothing behind when their test process ends before `cleanup()`: an
 * exit, or a run stopped by a signal, which still ends the process as the signal would.
 * Real child processes that load test-utils from its sources.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../support/fixtures.js';

const SANDBOX_MODULE = pathToFileURL(join(repoRoot, 'test-utils/sandbox.ts')).href;
const REGISTER_TS = join(repoRoot, 'scripts/register-ts.mjs');

/** A child that makes a sandbox, writes its root on stdout, then runs `then` (JS, `sandbox` in scope). */
function childWithSandbox(then: string): { root: Promise<string>; ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; kill: (signal: NodeJS.Signals) => void } {
  const script = `import { createSandbox } from ${JSON.stringify(SANDBOX_MODULE)};
const sandbox = createSandbox('proto-sandbox-cleanup-');
sandbox.writeFile('workspace/file.txt', 'x');
process.stdout.write(sandbox.root + '\\n');
${then}`;
  const child = spawn(process.execPath, ['--import', REGISTER_TS, '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const root = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', () => reject(new Error(`the child ended before it made a sandbox (stdout: ${JSON.stringify(out)})`)));
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { root, ended, kill: (signal) => child.kill(signal) };
}

describe('test-utils sandboxes', () => {
  it('are removed when the process exits without cleanup()', async () => {
    const child = childWithSandbox('process.exitCode = 3;');
    const root = await child.root;
    assert.deepEqual(await child.ended, { code: 3, signal: null });
    assert.equal(existsSync(root), false, `${root} was left behind`);
  });

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`are removed when ${signal} stops the process, which still ends by ${signal}`, async () => {
      const child = childWithSandbox('setInterval(() => {}, 1000);');
      const root = await child.root;
      assert.equal(existsSync(join(root, 'workspace/file.txt')), true);
      child.kill(signal);
      assert.deepEqual(await child.ended, { code: null, signal });
      assert.equal(existsSync(root), false, `${root} was left behind`);
    });
  }

  it('are removed by cleanup() at once, and a second cleanup() is harmless', async () => {
    const child = childWithSandbox("sandbox.cleanup(); sandbox.cleanup(); setInterval(() => {}, 1000);");
    const root = await child.root;
    // The child is still running: cleanup() did it, not the exit.
    await waitFor(() => !existsSync(root));
    child.kill('SIGTERM');
    assert.deepEqual(await child.ended, { code: null, signal: 'SIGTERM' });
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 30_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
