/**
 * `[env]` (with an env file) and `[tools.<id>.env]` reach the tool under `proto run` and through
 * a shim, cold and warm; editing the env file is noticed by the warm shim.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runFile } from '../support/cli.js';
import { fixtureToolsConfig, useCliFixture } from './support/cli-sandbox.js';

const fixture = useCliFixture();

describe('environment from .prototools', () => {
  it('env files, then [env], then [tools.<id>.env], the later winning', async () => {
    const sandbox = fixture.sandboxWith(
      (url) =>
        `${fixtureToolsConfig({ disttool: { distUrl: url, pin: '2.1.0' } })}\n[env]\nfile = ".env"\n\n[tools.disttool.env]\nHOOKED_BY = "config"\n`,
    );
    writeFileSync(join(sandbox.cwd, '.env'), 'DTX_VIA=from-dotenv\nHOOKED_BY=dotenv\n');
    const install = await sandbox.run(['install', 'disttool']);
    assert.equal(install.code, 0, install.stderr);

    const run = await sandbox.run(['run', 'disttool', '--exe', 'dtx', '--', 'a']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'dtx 2.1.0 via=from-dotenv hooked=config a\n');

    const shim = (args: string[]) => runFile(join(sandbox.protoHome, 'shims', 'dtx'), args, { cwd: sandbox.cwd, env: sandbox.env });
    assert.equal((await shim(['cold'])).stdout, 'dtx 2.1.0 via=from-dotenv hooked=config exec -- cold\n');
    assert.equal((await shim(['warm'])).stdout, 'dtx 2.1.0 via=from-dotenv hooked=config exec -- warm\n');
    writeFileSync(join(sandbox.cwd, '.env'), 'DTX_VIA=edited\n');
    assert.equal((await shim(['edited'])).stdout, 'dtx 2.1.0 via=edited hooked=config exec -- edited\n');
  });
});
