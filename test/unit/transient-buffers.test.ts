import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MODULE = fileURLToPath(new URL('../../src/transient-buffers.ts', import.meta.url));

// One fresh Node that traces its collections: it passes 8 MiB - 1, then 1 byte, then 16 MiB in
// 4 MiB steps, printing a line after each; then reports whether its own context, and a worker
// started afterwards, can see a `gc` function.
const SCRIPT = `
import { Worker } from 'node:worker_threads';
import { passedTransientBytes } from ${JSON.stringify(MODULE)};
console.log('before');
passedTransientBytes(8 * 1024 * 1024 - 1);
console.log('after 8 MiB - 1');
passedTransientBytes(1);
console.log('after 8 MiB');
for (let i = 0; i < 4; i++) passedTransientBytes(4 * 1024 * 1024);
console.log('after 24 MiB');
console.log('gc here: ' + typeof globalThis.gc);
const worker = new Worker(new URL("data:text/javascript,import { parentPort } from 'node:worker_threads'; parentPort.postMessage(typeof globalThis.gc);"));
worker.once('message', (type) => { console.log('gc in a worker: ' + type); worker.terminate(); });
`;

let lines: string[];

before(() => {
  const result = spawnSync(process.execPath, ['--trace-gc', '--import', './scripts/register-ts.mjs', '--input-type=module', '-e', SCRIPT], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  assert.equal(result.status, 0, result.stderr);
  lines = result.stdout.split('\n');
});

describe('passedTransientBytes', () => {
  it('asks V8 for a young-generation collection every 8 MiB, and only then', () => {
    // gc() shows in V8's trace as a scavenge for "testing"; the others have other reasons.
    const marks = lines.filter((line) => !line.startsWith('[') || /Scavenge.*testing/.test(line)).map((line) => (line.startsWith('[') ? 'collected' : line));
    assert.deepEqual(marks.slice(0, 6), ['before', 'after 8 MiB - 1', 'collected', 'after 8 MiB', 'collected', 'collected']);
    assert.equal(marks[6], 'after 24 MiB');
  });

  it('leaves no gc function behind: not in this context, not in a worker started later', () => {
    assert.ok(lines.includes('gc here: undefined'), lines.join('\n'));
    assert.ok(lines.includes('gc in a worker: undefined'), lines.join('\n'));
  });
});
