/**
 * The first connection compiles undici's HTTP parser with V8's --liftoff-only (src/net/dispatcher.ts):
 * WebAssembly tier-up stays off until the command ends, then V8's flags are as they were, so a
 * code cache made before (bin/proto.js keeps the program's) is taken again, and one made then is
 * what the next run takes.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Script } from 'node:vm';
import { describe, it } from 'node:test';
import { fetchBuffer } from '../../../src/net/index.js';
import { restoreWasmTierUp } from '../../../src/wasm-tier-up.js';

const source = 'function answer() { return 42; }\nanswer();\n';

/** A code cache of `source`, under V8's flags of the moment. */
function codeCache(): Buffer {
  const script = new Script(source, { filename: 'cached.js' });
  script.runInThisContext();
  return script.createCachedData();
}

/**
 * Whether V8 counts the WebAssembly tier-up flags in a code cache's flag hash: V8 11-12 (Node 20,
 * 22) do, so there a cache shows that tier-up is off; V8 13 (Node 24) does not, and a code cache
 * taken either way is all this test can see there.
 */
const cacheShowsTierUp = Number(process.versions.v8.split('.')[0]) < 13;

let checks = 0;
/** Whether V8 takes `cachedData`; each check has a name of its own, or V8 would answer from its in-memory cache of scripts. */
const taken = (cachedData: Buffer) => new Script(source, { filename: `check-${++checks}.js`, cachedData }).cachedDataRejected === false;

describe('the first connection', () => {
  it('leaves tier-up off until the command ends, then V8 flags as it found them', async () => {
    const before = codeCache();
    assert.ok(taken(before));

    const server = createServer((_request, response) => response.end('hello'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const fetched = await fetchBuffer(`http://127.0.0.1:${port}/`);
      assert.equal(Buffer.from(fetched.body).toString(), 'hello');
    } finally {
      server.close();
    }
    // Tier-up is off: the flags differ, and V8 says so by refusing the cache.
    if (cacheShowsTierUp) assert.equal(taken(before), false, 'the flags are as before the download: tier-up is on again while the parser may still run');

    restoreWasmTierUp();
    assert.ok(taken(before), 'a code cache made before the download is refused after the command');
    assert.deepEqual(codeCache().subarray(0, 16), before.subarray(0, 16), 'the code cache header (flags included) changed');
  });
});
