/**
 * Finding 2: a plugin-call bound did not end what the call started. Only the direct child of
 * exec_command got SIGTERM: a grandchild (`sh -c 'sleep 45'`) kept the CLI alive until it exited,
 * and a child that ignores SIGTERM finished its work.
 *
 * Each scenario runs a probe plugin in a child process (tests/reliability/support/exec-child.ts)
 * whose command writes the pids of what it started to a file; the test then checks that the
 * child process exits on its own, that none of those pids is alive, and that the command did not
 * run to its end: a subshell that outlived the call would sleep 60 s and then leave a marker file
 * (and the CLI, its pipes held, would wait for it), so no clock is needed to tell the two apart.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runTs } from './support/processes.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'proto-rel-exec-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits (up to 10 s) for the pids to disappear: a killed process may take a moment to be reaped by init. */
async function alivePids(pids: number[]): Promise<number[]> {
  for (let i = 0; i < 200; i++) {
    const alive = pids.filter(isAlive);
    if (alive.length === 0) return [];
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return pids.filter(isAlive);
}

/**
 * Runs the scenario under `boundMs`. On a loaded machine the bound may hit before the shell even
 * wrote its pids (nothing to check then): the scenario runs again with a 4× longer bound, twice at most.
 */
async function runScenario(name: string, script: (pidFile: string) => string, boundMs: number) {
  const pidFile = join(dir, `${name}.pids`);
  for (let attempt = 0; ; attempt++) {
    const bound = boundMs * 4 ** attempt;
    const started = Date.now();
    const result = await runTs('test/reliability/support/exec-child.ts', [script(pidFile), String(bound)], { guardMs: 90_000 });
    const exitedAt = Date.now();
    if (!existsSync(pidFile) && attempt < 2) {
      process.stderr.write(`  ${name}: the command had not started within ${bound} ms (loaded machine?); again with a longer bound\n`);
      continue;
    }
    assert.ok(existsSync(pidFile), `the command never started (bound ${bound} ms): ${result.stdout}${result.stderr}`);
    const lines = result.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
    const pids = readFileSync(pidFile, 'utf8').trim().split(/\s+/).map(Number);
    const timing = lines.find((line) => 'endedAt' in line) as { callMs: number; endedAt: number } | undefined;
    return {
      result,
      outcome: lines[0] as { outcome: string; stdout?: string } | undefined,
      pids,
      /** From the end of the call (the bound, or the command's end) to the process's exit. */
      exitAfterCallMs: timing ? exitedAt - timing.endedAt : undefined,
      totalMs: exitedAt - started,
      boundMs: bound,
      pidFile,
    };
  }
}

describe('finding 2: a bound ends everything the call started', () => {
  it('a grandchild (sh -c "(sleep 60; …) & wait") is killed at the bound, and the process exits', async () => {
    const run = await runScenario('grandchild', (pids) => `(sleep 60; echo ran > ${pids}.ran) & echo $$ $! > ${pids}; wait`, 1500);
    assert.equal(run.result.signal, null, `the process was killed by the guard after ${run.totalMs} ms: something kept it alive`);
    assert.equal(run.outcome?.outcome, 'plugin.timeout');
    assert.deepEqual(await alivePids(run.pids), [], 'no process of the command survives');
    assert.ok(!existsSync(`${run.pidFile}.ran`), 'the command was stopped, not run to its end');
    process.stderr.write(`  grandchild: process exited ${run.exitAfterCallMs} ms after the bound's error\n`);
  });

  it('a command that ignores SIGTERM gets SIGKILL', async () => {
    // The subshell and its sleep inherit the ignored TERM: only SIGKILL ends them.
    const run = await runScenario('ignores-term', (pids) => `trap '' TERM; (sleep 60; echo ran > ${pids}.ran) & echo $$ $! > ${pids}; wait`, 1500);
    assert.equal(run.result.signal, null, `the process was killed by the guard after ${run.totalMs} ms: something kept it alive`);
    assert.equal(run.outcome?.outcome, 'plugin.timeout');
    assert.deepEqual(await alivePids(run.pids), [], 'no process of the command survives');
    assert.ok(!existsSync(`${run.pidFile}.ran`), 'the command was stopped, not run to its end');
    process.stderr.write(`  ignores TERM: process exited ${run.exitAfterCallMs} ms after the bound's error\n`);
  });

  it('a call that ends while a background process still holds its output pipes returns at once, and the leftover is killed', async () => {
    const run = await runScenario('background', (pids) => `sleep 60 & echo $$ $! > ${pids}; echo started`, 20_000);
    assert.equal(run.outcome?.outcome, 'exit 0', JSON.stringify(run.outcome));
    assert.equal(run.outcome?.stdout, 'started\n');
    assert.deepEqual(await alivePids(run.pids), [], 'the background process does not outlive the call');
  });
});
