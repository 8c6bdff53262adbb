/**
 * A call that gave its worker up runs again with its earlier host calls answered from a record
 * (src/host/plugin-worker.ts): a recorded answer may only stand for the very same question.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answeredFlag, nextHostCallId, pausedFlag, sameHostCall, type RecordedHostCall } from '../../../src/host/worker-protocol.js';

const encoder = new TextEncoder();
const asked = (change: Partial<RecordedHostCall['call']> = {}): RecordedHostCall['call'] => ({
  namespace: 'extism:host/user',
  name: 'send_request',
  args: [3n << 48n],
  blocks: [[3, encoder.encode('{"url":"https://example.test/index.json"}')]],
  next: 4,
  ...change,
});

describe('replaying host calls', () => {
  it('takes the same function, arguments, blocks and next block index for the same question', () => {
    assert.ok(sameHostCall(asked(), asked()));
    assert.ok(sameHostCall(asked({ args: [7, 3n << 48n] }), asked({ args: [7, 3n << 48n] })));
  });

  it('takes any difference for another question', () => {
    const other: [string, Partial<RecordedHostCall['call']>][] = [
      ['another function', { name: 'exec_command' }],
      ['another namespace', { namespace: 'extism:host/env' }],
      ['another argument', { args: [4n << 48n] }],
      ['one more argument', { args: [3n << 48n, 0n] }],
      ['a number where a bigint was', { args: [3] }],
      ['another byte in a block', { blocks: [[3, encoder.encode('{"url":"https://example.test/index.jsoN"}')]] }],
      ['a shorter block', { blocks: [[3, encoder.encode('{"url":"https://example.test/"}')]] }],
      ['a block at another index', { blocks: [[2, encoder.encode('{"url":"https://example.test/index.json"}')]] }],
      ['no block', { blocks: [] }],
      ['another next block index', { next: 5 }],
    ];
    for (const [what, change] of other) assert.equal(sameHostCall(asked(change), asked()), false, what);
  });

  it('keeps the flag states of a host call apart from every id', () => {
    for (const id of [1, 2, 0x3ffffffe]) {
      assert.ok(answeredFlag(id) < 0);
      assert.ok(pausedFlag(id) > 0x3fffffff, 'above every id');
      assert.ok(pausedFlag(id) <= 0x7fffffff, 'an Int32');
    }
    assert.equal(nextHostCallId(0x3fffffff), 1, 'ids wrap before they reach the paused states');
    assert.equal(nextHostCallId(0), 1);
  });
});
