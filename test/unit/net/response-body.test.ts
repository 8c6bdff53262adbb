import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResponseBody } from '../../../src/net/send-get.js';

describe('ResponseBody', () => {
  it("a sink that fails on chunks that arrived before consume rejects, also when the body had already ended", async () => {
    const aborted: unknown[] = [];
    const body = new ResponseBody((reason) => aborted.push(reason));
    body.push(Buffer.from('first'));
    body.push(Buffer.from('second'));
    body.end();
    const seen: string[] = [];
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    await assert.rejects(
      body.consume((chunk) => {
        seen.push(chunk.toString());
        throw full;
      }),
      full,
    );
    assert.deepEqual(seen, ['first'], 'no chunk is handed over after the failure');
  });

  it('hands over early and later chunks in order, and resolves at the end', async () => {
    const body = new ResponseBody(() => undefined);
    body.push(Buffer.from('a'));
    const seen: string[] = [];
    const done = body.consume((chunk) => void seen.push(chunk.toString()));
    body.push(Buffer.from('b'));
    body.end();
    await done;
    assert.deepEqual(seen, ['a', 'b']);
  });

  it('a body that failed keeps its own error when no sink fails', async () => {
    const body = new ResponseBody(() => undefined);
    body.push(Buffer.from('a'));
    const reset = new Error('socket hang up');
    body.end(reset);
    await assert.rejects(body.consume(() => undefined), reset);
  });
});
