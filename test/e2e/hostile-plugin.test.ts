/**
 * A plugin that loops forever, configured like any other in .prototools: the CLI stops it at its
 * configured bound, says which plugin and function, and exits — it never hangs.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSandbox, type Sandbox } from '../../test-utils/index.js';
import { ensureCliBuilt, runCli } from '../support/cli.js';
import { fixturePlugin } from '../support/fixtures.js';

describe('a looping plugin through the CLI', () => {
  let sandbox: Sandbox;
  before(async () => {
    await ensureCliBuilt();
    sandbox = createSandbox();
    writeFileSync(
      join(sandbox.cwd, '.prototools'),
      `[plugins.tools]\nloopy = "file://${fixturePlugin('hostile/loop')}"\n\n[settings.plugin-timeouts]\nloopy = 1\n`,
    );
  });
  after(() => sandbox?.cleanup());

  it('is stopped at its bound and reported with its id and function', async () => {
    const started = performance.now();
    const result = await runCli(['list-remote', 'loopy'], { cwd: sandbox.cwd, env: sandbox.env });
    const seconds = (performance.now() - started) / 1000;
    assert.equal(result.code, 1);
    assert.match(result.stderr, /error\[plugin\.timeout\]: Plugin "loopy" failed in function "register_tool": it ran longer than its bound of 1 s and was stopped/);
    assert.match(result.stderr, /hint: If the plugin is just slow, raise its bound in \.prototools: \[settings\.plugin-timeouts\] loopy = <seconds>/);
    assert.ok(seconds < 30, `the CLI returned after ${seconds.toFixed(1)} s`);
  });
});
