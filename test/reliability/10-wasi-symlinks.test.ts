/**
 * Finding 10: WASI follows symlinks that already exist in a mount (`/cwd/link -> /elsewhere`):
 * a plugin read and wrote outside. Node's WASI promises no sandbox and offers no hook to refuse
 * such a link inside `path_open`; what the host itself does with a guest path can be checked, and
 * is: the one host function that changes a file, exec_command's `set_executable`, refuses a path
 * that resolves outside every mount. The README's "Security model" says what stays reachable.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PluginContainer } from '../../src/host/index.js';
import { createSandbox, type Sandbox } from '../../test-utils/index.js';
import { fixturePlugin } from '../support/fixtures.js';

describe('finding 10: symlinks out of a mount', () => {
  let sandbox: Sandbox;
  let plugin: PluginContainer;
  let outsideFile: string;

  before(async () => {
    sandbox = createSandbox('proto-rel-wasi-');
    const outside = join(sandbox.root, 'outside');
    mkdirSync(outside);
    outsideFile = join(outside, 'victim.sh');
    writeFileSync(outsideFile, '#!/bin/sh\necho ran\n');
    chmodSync(outsideFile, 0o644);
    symlinkSync(outsideFile, join(sandbox.cwd, 'link.sh'));
    symlinkSync(outside, join(sandbox.cwd, 'linkdir'));
    writeFileSync(join(sandbox.cwd, 'inside.sh'), '#!/bin/sh\necho inside\n');
    plugin = await PluginContainer.load({ id: 'probe', wasm: fixturePlugin('probe/host-probe'), dirs: sandbox.dirs });
  });
  after(async () => {
    await plugin.close();
    sandbox.cleanup();
  });

  const exec = (input: object) => plugin.callRaw('probe_exec_command', JSON.stringify(input));

  for (const [what, command] of [
    ['a symlink to a file outside', '/cwd/link.sh'],
    ['a path through a symlinked directory outside', '/cwd/linkdir/victim.sh'],
  ] as const) {
    it(`set_executable refuses ${what}, and the file keeps its mode`, async () => {
      let caught: (Error & { code?: string }) | undefined;
      await exec({ command, set_executable: true }).catch((error) => (caught = error));
      assert.equal(statSync(outsideFile).mode & 0o777, 0o644, 'the file outside the mounts was not made executable');
      assert.equal(caught?.code, 'plugin.host_function_failed', caught?.message ?? 'the call succeeded');
      assert.match(caught!.message, /outside the directories the plugin may use/);
      assert.ok(caught!.message.includes(outsideFile), caught!.message);
    });
  }

  it('set_executable still works inside a mount', async () => {
    const output = JSON.parse(await exec({ command: '/cwd/inside.sh', set_executable: true }));
    assert.equal(output.stdout, 'inside\n');
    assert.equal(statSync(join(sandbox.cwd, 'inside.sh')).mode & 0o111, 0o111);
  });
});
