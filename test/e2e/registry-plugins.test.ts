/**
 * Tool plugins from an OCI registry, end to end with the built CLI against a real
 * `docker-registry` on 127.0.0.1: a `registry://` locator in `[plugins.tools]`, and a tool with
 * no plugin configured at all, found in the `default = true` registry of `[settings] registries`
 * (the last lookup step). Credentials come from the Docker config file in the sandbox's home.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixturePlugin } from '../support/fixtures.js';
import { startTestRegistry, type TestRegistry } from '../support/oci-registry.js';
import { skipWithout } from '../support/system-commands.js';
import { useCliFixture } from './support/cli-sandbox.js';

const fixture = useCliFixture();
const USER = { username: 'team-bot', password: 's3cret' };

describe('tool plugins from an OCI registry', skipWithout('docker-registry'), () => {
  let registry: TestRegistry;
  before(async () => {
    registry = await startTestRegistry({ kind: 'htpasswd', user: USER });
    await registry.push({ repository: 'team/disttool', tag: '0.1.0', layers: [{ mediaType: 'application/wasm', data: readFileSync(fixturePlugin('disttool')) }] });
  });
  after(() => registry?.stop());

  const withCredentials = (home: string) => {
    mkdirSync(join(home, '.docker'), { recursive: true });
    const auth = Buffer.from(`${USER.username}:${USER.password}`).toString('base64');
    writeFileSync(join(home, '.docker/config.json'), JSON.stringify({ auths: { [registry.host]: { auth } } }));
  };

  it('installs and runs a tool whose plugin has a registry:// locator', async () => {
    const sandbox = fixture.sandboxWith((url) =>
      ['disttool = "2.1.0"', '', '[plugins.tools]', `disttool = "registry://${registry.host}/team/disttool:0.1.0"`, '', '[tools.disttool]', `dist-url = "${url}"`, ''].join('\n'),
    );
    withCredentials(sandbox.home);
    const installed = await sandbox.run(['install']);
    assert.equal(installed.code, 0, installed.stderr);
    const run = await sandbox.run(['run', 'disttool', '--', 'hi']);
    assert.equal(run.stdout, 'disttool 2.1.0 hi\n', run.stderr);
  });

  it('finds a tool nobody configured in the default registry, as the last lookup step', async () => {
    const sandbox = fixture.sandboxWith((url) =>
      [
        'disttool = "2.1.0"',
        '',
        '[settings]',
        'builtin-tools = false',
        `registries = [{ registry = "${registry.host}", namespace = "team", auth = true, default = true }]`,
        '',
        '[tools.disttool]',
        `dist-url = "${url}"`,
        '',
      ].join('\n'),
    );
    withCredentials(sandbox.home);
    // The plugin is an image named after the tool: registry://<host>/team/disttool (latest).
    const missing = await sandbox.run(['install']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, new RegExp(`${registry.host}/team/disttool:latest does not exist`));

    await registry.push({ repository: 'team/disttool', tag: 'latest', layers: [{ mediaType: 'application/wasm', data: readFileSync(fixturePlugin('disttool')) }] });
    const installed = await sandbox.run(['install']);
    assert.equal(installed.code, 0, installed.stderr);
    assert.match(installed.stdout, /disttool 2\.1\.0 installed/);
  });

  it('without credentials the registry refuses, and the error says what to do', async () => {
    const sandbox = fixture.sandboxWith(() =>
      ['[plugins.tools]', `disttool = "registry://${registry.host}/team/disttool:0.1.0"`, ''].join('\n'),
    );
    const result = await sandbox.run(['install', 'disttool', '2.1.0']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /plugin\.registry_denied/);
    assert.match(result.stderr, /config\.json/);
  });
});
