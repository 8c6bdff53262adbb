/**
 * `proto list-remote` / `proto versions` end to end, including the remote-versions cache,
 * offline mode, and a built-in tool (`node`) whose official plugin URL a url-rewrite points at
 * the local server (which serves disttool.wasm as node_tool.wasm).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertJsonSnapshot } from '../../test-utils/index.js';
import { startDisttoolDist } from '../support/disttool-dist.js';
import { fixturePlugin } from '../support/fixtures.js';
import { fixtureToolsConfig, useCliFixture } from './support/cli-sandbox.js';

const testFile = fileURLToPath(import.meta.url);
const fixture = useCliFixture();
const { sandboxWith } = fixture;

describe('proto list-remote', { concurrency: true }, () => {
  it('lists versions newest first, tagged with their aliases; prereleases only on request', async () => {
    const sandbox = sandboxWith(fixtureToolsConfig({ disttool: { distUrl: fixture.dist.url } }));
    const human = await sandbox.run(['list-remote', 'disttool']);
    assert.equal(human.code, 0, human.stderr);
    assert.equal(human.stdout, ['2.1.0  latest, stable', '2.0.0  lts, lts-boron', '1.4.2  lts-argon', '1.0.0', ''].join('\n'));

    const json = await sandbox.run(['lsr', 'disttool', '--json', '--include-prerelease']);
    assert.equal(json.code, 0, json.stderr);
    assertJsonSnapshot('versions --json --include-prerelease', JSON.parse(json.stdout), { testFile, placeholders: sandbox.placeholders });
  });

  it('merges [tools.<id>.aliases] over the plugin aliases', async () => {
    const sandbox = sandboxWith(
      fixtureToolsConfig({ disttool: { distUrl: fixture.dist.url } }, '[tools.disttool.aliases]\nwork = "^1"\nstable = "2.0.0"\n'),
    );
    const human = await sandbox.run(['list-remote', 'disttool']);
    assert.equal(human.code, 0, human.stderr);
    assert.equal(
      human.stdout,
      ['2.1.0  latest', '2.0.0  lts, lts-boron, stable', '1.4.2  lts-argon', '1.0.0', '', 'aliases:', '  work  → ^1', ''].join('\n'),
    );
    const json = await sandbox.run(['list-remote', 'disttool', '--json']);
    assertJsonSnapshot('list-remote with user aliases --json', JSON.parse(json.stdout), { testFile, placeholders: sandbox.placeholders });
  });

  it('reuses the cached list (also offline) and asks the plugin again with --refresh', async () => {
    // Its own index.json path, so the requests of concurrent tests do not count.
    fixture.dist.server.setFile('/cachetool/index.json', readFileSync(join(fixture.dist.dir, 'index.json')));
    const sandbox = sandboxWith(fixtureToolsConfig({ cachetool: { distUrl: `${fixture.dist.url}/cachetool` } }));
    const indexRequests = () => fixture.dist.server.requestsFor('/cachetool/index.json').length;
    assert.equal((await sandbox.run(['list-remote', 'cachetool'])).code, 0);
    assert.equal(indexRequests(), 1);
    assert.ok(existsSync(join(sandbox.protoHome, 'tools/cachetool/remote-versions.json')));
    const [cached, offline] = await Promise.all([
      sandbox.run(['list-remote', 'cachetool']),
      sandbox.run(['list-remote', 'cachetool'], { env: { PROTO_OFFLINE: '1' } }),
    ]);
    for (const result of [cached, offline]) {
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^2\.1\.0 /);
    }
    assert.equal(indexRequests(), 1);
    const refreshed = await sandbox.run(['list-remote', 'cachetool', '--refresh']);
    assert.equal(refreshed.code, 0, refreshed.stderr);
    assert.equal(indexRequests(), 2);
  });

  it('fails clearly: unknown tool, offline with nothing cached, plugin error', async () => {
    const sandbox = sandboxWith(fixtureToolsConfig({ disttool: { distUrl: fixture.dist.url }, brokentool: { distUrl: `${fixture.dist.url}/missing` } }));
    const [unknown, offline, broken, missingArg] = await Promise.all([
      sandbox.run(['list-remote', 'nosuchtool']),
      sandbox.run(['list-remote', 'disttool'], { env: { PROTO_OFFLINE: '1' } }),
      sandbox.run(['list-remote', 'brokentool']),
      sandbox.run(['list-remote']),
    ]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^error\[tool\.unknown\]: Unknown tool "nosuchtool"/m);
    assert.equal(offline.code, 1);
    assert.match(offline.stderr, /^error\[net\.offline_no_cache\]: Cannot list the versions of disttool: proto is offline and no version list is cached\.\nhint: Unset PROTO_OFFLINE/m);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /^error\[plugin\.[a-z_]+\]: Plugin "brokentool" failed in function "load_versions": .*404/m);
    assert.equal(missingArg.code, 1);
    assert.match(missingArg.stderr, /^error\[cli\.missing_argument\]: missing required argument 'id'\nhint: Run `proto --help`/m);
  });
});

describe('a built-in tool (node) through a url-rewrite', () => {
  it('loads the official plugin URL from the local server, then lists versions offline from the caches', async () => {
    // Its own server, so it can be shut down to prove the second run needs no network.
    const nodeDist = await startDisttoolDist();
    nodeDist.server.setFile('/plugins/node_tool.wasm', readFileSync(fixturePlugin('disttool')));
    const sandbox = sandboxWith(
      [
        '[tools.node]',
        `dist-url = "${nodeDist.url}"`,
        '',
        '[settings.url-rewrites]',
        `'^https://github\\.com/moonrepo/plugins/releases/download/node_tool-v[^/]+/node_tool\\.wasm$' = '${nodeDist.url}/plugins/node_tool.wasm'`,
        '',
      ].join('\n'),
    );
    try {
      const online = await sandbox.run(['list-remote', 'node', '--json']);
      assert.equal(online.code, 0, online.stderr);
      assert.equal(nodeDist.server.requestsFor('/plugins/node_tool.wasm').length, 1);
      assert.ok(readdirSync(join(sandbox.protoHome, 'plugins')).some((name) => /^node-[0-9a-f]{64}\.wasm$/.test(name)));
      assert.deepEqual((JSON.parse(online.stdout) as { versions: string[] }).versions, ['2.1.0', '2.0.0', '1.4.2', '1.0.0']);
    } finally {
      await nodeDist.close();
    }
    const offline = await sandbox.run(['list-remote', 'node'], { env: { PROTO_OFFLINE: '1' } });
    assert.equal(offline.code, 0, offline.stderr);
    assert.match(offline.stdout, /^2\.1\.0 {2}latest, stable$/m);

    const fresh = sandboxWith('');
    const uncached = await fresh.run(['list-remote', 'node'], { env: { PROTO_OFFLINE: '1' } });
    assert.equal(uncached.code, 1);
    assert.match(uncached.stderr, /^error\[plugin\.offline\]: The plugin for "node" is not cached and proto is offline\.\nhint: /m);
  });
});
