/**
 * A call stopped at its bound must not leave anything running: not the guest, not a command the
 * guest started, not a request it made. Each scenario runs in a child process that provokes the
 * timeout and then just returns; the test checks that the child exits on its own.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { repoRoot } from '../../support/fixtures.js';
import { tsChildArgs } from '../../support/ts-child.js';

async function runScenario(name: string): Promise<{ code: number | null; stdout: string; seconds: number }> {
  const args = await tsChildArgs('test/support/stopped-plugin-child.ts');
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args, name], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    // Far above what a healthy run takes (~1 s of CPU; 5-25 s of wall at load 27-45 on 2 cores, when
    // 25 s was the guard and it killed a healthy child); only a process that never exits reaches it.
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, seconds: (performance.now() - started) / 1000 });
    });
  });
}

describe('a stopped plugin call leaves nothing running', () => {
  for (const [scenario, what] of [
    ['exec', 'a command started by exec_command is killed'],
    ['request', 'a send_request in flight is cancelled'],
    ['startup', 'a worker still starting when the bound expires is closed'],
  ] as const) {
    it(what, async () => {
      const result = await runScenario(scenario);
      assert.equal(result.stdout.trim(), 'plugin.timeout');
      assert.equal(result.code, 0, `the child was killed after ${result.seconds.toFixed(1)} s: it did not exit by itself`);
    });
  }
});
