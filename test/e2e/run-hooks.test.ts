/**
 * `proto run` with a plugin that exports `pre_run` (the hooked-disttool fixture): what the hook
 * sets with set_env_var and returns in `env` reaches the tool, and its `args` are appended.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixturePlugin } from '../support/fixtures.js';
import { useCliFixture } from './support/cli-sandbox.js';

const fixture = useCliFixture();

describe('proto run with a pre_run hook', () => {
  it('passes the hook env (set_env_var and returned env) and args to the tool', async () => {
    const sandbox = fixture.sandboxWith(
      (url) => `hooked = "2.1.0"\n\n[plugins.tools]\nhooked = "file://${fixturePlugin('hooked-disttool')}"\n\n[tools.hooked]\ndist-url = "${url}"\n`,
    );
    const install = await sandbox.run(['install', 'hooked']);
    assert.equal(install.code, 0, install.stderr);
    const run = await sandbox.run(['run', 'hooked', '--exe', 'dtx', '--', 'a']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'dtx 2.1.0 via=pre_run-2.1.0 hooked=pre_run a --from-hook\n');
  });
});
