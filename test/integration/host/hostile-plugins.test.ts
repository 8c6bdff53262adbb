import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isProtoError } from '../../../src/errors.js';
import { PluginContainer } from '../../../src/host/index.js';
import { createSandbox, type Sandbox } from '../../../test-utils/index.js';
import { fixturePlugin } from '../../support/fixtures.js';

/** Loads a hostile plugin and calls register_tool, returning the error it must produce. */
async function failureOf(sandbox: Sandbox, name: string, timeoutMs = 10_000): Promise<{ code: string; message: string; ms: number }> {
  const started = performance.now();
  let plugin: PluginContainer | undefined;
  try {
    plugin = await PluginContainer.load({ id: `bad-${name}`, wasm: fixturePlugin(`hostile/${name}`), dirs: sandbox.dirs, timeoutMs, env: { ...sandbox.env } });
    await plugin.registerTool();
  } catch (error) {
    assert.ok(isProtoError(error), `expected a ProtoError, got ${error}`);
    return { code: error.code, message: error.message, ms: performance.now() - started };
  } finally {
    await plugin?.close();
  }
  assert.fail(`plugin ${name} did not fail`);
}

describe('hostile plugins are reported with plugin id and function', () => {
  let sandbox: Sandbox;
  before(() => {
    sandbox = createSandbox();
  });
  after(() => sandbox?.cleanup());

  it('a trap', async () => {
    const { code, message } = await failureOf(sandbox, 'trap');
    assert.equal(code, 'plugin.trap');
    assert.match(message, /^Plugin "bad-trap" failed in function "register_tool": the plugin crashed \(wasm trap: unreachable\)/);
  });

  it('an infinite loop is stopped within its bound', async () => {
    const { code, message, ms } = await failureOf(sandbox, 'loop', 300);
    assert.equal(code, 'plugin.timeout');
    assert.match(message, /Plugin "bad-loop" failed in function "register_tool": it ran longer than its bound of 300 ms and was stopped/);
    // The bound is 300 ms; instantiation is included. Generous ceiling: this checks "stopped", not speed.
    assert.ok(ms < 5_000, `took ${ms} ms`);
  });

  it('a start that never returns is stopped within the bound of the call that started it', async () => {
    // failureOf closes the plugin too: close() must not wait for the start forever.
    const { code, message, ms } = await failureOf(sandbox, 'loop-start', 300);
    assert.equal(code, 'plugin.timeout');
    assert.match(message, /Plugin "bad-loop-start" failed in function "register_tool": it ran longer than its bound of 300 ms and was stopped/);
    assert.ok(ms < 5_000, `took ${ms} ms`);
  });

  it('a start that traps fails the call it was made for as a failed start, and the next call starts afresh', async () => {
    const plugin = await PluginContainer.load({ id: 'bad-trap-start', wasm: fixturePlugin('hostile/trap-start'), dirs: sandbox.dirs, env: { ...sandbox.env } });
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        // Not `plugin.trap`: that code names a crash of the call, and the call never ran.
        await assert.rejects(plugin.registerTool(), (error) => {
          assert.ok(isProtoError(error, 'plugin.runtime_error'), String(error));
          assert.equal(error.message, 'Plugin "bad-trap-start" failed in function "register_tool": unreachable');
          return true;
        });
      }
    } finally {
      await plugin.close();
    }
  });

  it('the plugin is usable again after a timeout (a fresh instance)', async () => {
    const plugin = await PluginContainer.load({ id: 'bad-loop', wasm: fixturePlugin('hostile/loop'), dirs: sandbox.dirs, timeoutMs: 200 });
    for (let attempt = 0; attempt < 2; attempt++) {
      await assert.rejects(plugin.registerTool(), (error) => isProtoError(error, 'plugin.timeout'));
    }
    await plugin.close();
  });

  it('invalid JSON output', async () => {
    const { code, message } = await failureOf(sandbox, 'bad-json');
    assert.equal(code, 'plugin.invalid_output');
    assert.match(message, /Plugin "bad-bad-json" failed in function "register_tool": it returned invalid JSON .*\{"name": "Broken",/);
  });

  it('valid JSON of the wrong shape', async () => {
    const { code, message } = await failureOf(sandbox, 'bad-shape');
    assert.equal(code, 'plugin.invalid_output');
    assert.match(message, /failed in function "register_tool": its output has the wrong shape: field "name" must be a string, got a number/);
  });

  it('a guest error keeps its message, with style tags stripped and newlines restored', async () => {
    const { code, message } = await failureOf(sandbox, 'guest-error');
    assert.equal(code, 'plugin.call_failed');
    assert.equal(message, 'Plugin "bad-guest-error" failed in function "register_tool": Unable to load broken from https://example.invalid\nTry again later.');
  });

  it('an import nobody provides is an incompatible plugin naming the import', async () => {
    const { code, message } = await failureOf(sandbox, 'missing-import');
    assert.equal(code, 'plugin.incompatible');
    assert.match(message, /Plugin "bad-missing-import" .* is incompatible: its import "extism:host\/user\.launch_missiles" is not a proto host function/);
  });

  it('a plugin built for the pre-1.0 Extism ABI is named as such', async () => {
    const { code, message } = await failureOf(sandbox, 'old-abi');
    assert.equal(code, 'plugin.incompatible');
    assert.match(message, /"env\.extism_alloc" comes from the pre-1\.0 Extism ABI \(plugins built for proto < 0\.28\)/);
  });

  it('a failing host function is named', async () => {
    const { code, message } = await failureOf(sandbox, 'host-fail');
    assert.equal(code, 'plugin.host_function_failed');
    assert.match(message, /failed in function "register_tool": host function "exec_command" failed: command "definitely-not-a-command-4711" was not found on PATH/);
  });

  it('bytes that are not WebAssembly', async () => {
    await assert.rejects(
      PluginContainer.load({ id: 'junk', wasm: new TextEncoder().encode('#!/bin/sh\necho hi\n'), dirs: sandbox.dirs }),
      (error) => isProtoError(error, 'plugin.load_failed') && /Plugin "junk" is not a valid WebAssembly module/.test(error.message),
    );
  });

  it('calling a function the plugin does not export', async () => {
    const plugin = await PluginContainer.load({ id: 'trap', wasm: fixturePlugin('hostile/trap'), dirs: sandbox.dirs });
    assert.equal(plugin.has('load_versions'), false);
    await assert.rejects(
      plugin.loadVersions({ context: plugin.context(), initial: 'latest' }),
      (error) => isProtoError(error, 'plugin.missing_function') && /"trap" failed in function "load_versions"/.test(error.message),
    );
    await plugin.close();
  });
});
