/**
 * The commands that look at a project's configured tools, end to end against the disttool
 * fixture plugin (versions 1.0.0, 1.4.2, 2.0.0, 2.1.0, 3.0.0-rc.1; latest 2.1.0): status,
 * outdated (and --update keeping comments), versions, unpin/unalias --from, and the short aliases.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixtureToolsConfig, useCliFixture } from './support/cli-sandbox.js';

const fixture = useCliFixture();

describe('proto status', { concurrency: true }, () => {
  it('lists each configured tool: spec, resolved version, installed or not, and the deciding file', async () => {
    const sandbox = fixture.sandboxWith((url) =>
      fixtureToolsConfig({ disttool: { distUrl: url, pin: '1' }, othertool: { distUrl: url, pin: '2.0.0' }, envtool: { distUrl: url, pin: '1' } }),
    );
    sandbox.writeFile('.proto/.prototools', 'globaltool = "latest"\n');
    const install = await sandbox.run(['install', 'disttool', '1.4.2']);
    assert.equal(install.code, 0, install.stderr);
    const env = { PROTO_ENVTOOL_VERSION: '2.1.0' };
    const [human, json] = await Promise.all([sandbox.run(['status'], { env }), sandbox.run(['status', '--json'], { env })]);
    assert.equal(human.code, 0, human.stderr);
    const file = join(sandbox.cwd, '.prototools');
    const global = join(sandbox.protoHome, '.prototools');
    assert.equal(
      human.stdout,
      [
        'tool        spec    version     installed  config',
        `disttool    ~1      1.4.2       yes        ${file}`,
        'envtool     2.1.0   2.1.0       no         env',
        // No plugin is configured for globaltool: it shows, unresolved, instead of failing the list.
        `globaltool  latest  unresolved  no         ${global}`,
        `othertool   2.0.0   2.0.0       no         ${file}`,
        '',
      ].join('\n'),
    );
    const report = JSON.parse(json.stdout) as { tools: Array<Record<string, unknown>> };
    assert.deepEqual(report.tools[0], {
      id: 'disttool',
      spec: '~1',
      source: file,
      version: '1.4.2',
      installed: true,
      dir: join(sandbox.protoHome, 'tools/disttool/1.4.2'),
      // No lockfile is enabled here: no record, and no locked column in the table.
      locked: null,
    });
    assert.deepEqual(report.tools.map((tool) => [tool.id, tool.installed]), [['disttool', true], ['envtool', false], ['globaltool', false], ['othertool', false]]);
  });
});

describe('proto outdated', { concurrency: true }, () => {
  it('reports current, newest matching and latest versions; --update rewrites pins keeping comments', async () => {
    const sandbox = fixture.sandboxWith((url) =>
      `# project tools\n${fixtureToolsConfig({ disttool: { distUrl: url, pin: '1.0.0' }, othertool: { distUrl: url, pin: '~1.4' } })}`,
    );
    const json = await sandbox.run(['o', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const file = join(sandbox.cwd, '.prototools');
    assert.deepEqual(JSON.parse(json.stdout), {
      tools: [
        { id: 'disttool', spec: '1.0.0', source: file, current: '1.0.0', newest: '1.0.0', latest: '2.1.0', outdated: false },
        { id: 'othertool', spec: '~1.4', source: file, current: '1.4.2', newest: '1.4.2', latest: '2.1.0', outdated: false },
      ],
    });
    const human = await sandbox.run(['outdated', '--latest']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^tool +spec +current +newest +latest +config$/m);
    assert.match(human.stdout, /^disttool +1\.0\.0 +1\.0\.0 +1\.0\.0 +2\.1\.0 +\/.*\.prototools$/m);
    assert.match(human.stderr, /2 outdated; run `proto outdated --update --latest`/);

    const updated = await sandbox.run(['outdated', '--update', '--latest']);
    assert.equal(updated.code, 0, updated.stderr);
    assert.match(updated.stdout, /^disttool .* pinned "2\.1\.0" in .*\.prototools$/m);
    const text = sandbox.read('workspace/.prototools');
    assert.match(text, /^# project tools$/m);
    assert.match(text, /^disttool = "2\.1\.0"$/m);
    assert.match(text, /^othertool = "2\.1\.0"$/m);
    const after = await sandbox.run(['outdated']);
    assert.match(after.stderr, /Every configured tool is up to date\./);
  });

  it('--update without --latest moves a pin to the newest version matching it', async () => {
    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url, pin: '1.0.0' } }, '[tools.disttool.aliases]\n'));
    // A pin on an exact version matches only itself: nothing to move.
    const same = await sandbox.run(['outdated', '--update', '--json']);
    assert.equal((JSON.parse(same.stdout) as { tools: Array<{ updated?: string }> }).tools[0]!.updated, undefined);
    // An installed older version that a requirement still matches: newest moves past it.
    sandbox.writeConfig(fixtureToolsConfig({ disttool: { distUrl: fixture.dist.url, pin: '^1' } }));
    assert.equal((await sandbox.run(['install', 'disttool', '1.0.0'])).code, 0);
    const result = await sandbox.run(['outdated', '--update', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const [tool] = (JSON.parse(result.stdout) as { tools: Array<Record<string, unknown>> }).tools;
    assert.deepEqual([tool!.current, tool!.newest, tool!.outdated, tool!.updated], ['1.0.0', '1.4.2', true, '1.4.2']);
    assert.match(sandbox.read('workspace/.prototools'), /^disttool = "1\.4\.2"$/m);
  });

  it('fails clearly with nothing configured', async () => {
    const sandbox = fixture.sandboxWith('');
    const result = await sandbox.run(['outdated']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^error\[outdated\.nothing_configured\]: No tool versions are pinned/m);
  });
});

describe('proto versions', { concurrency: true }, () => {
  it('lists versions newest first, installed ones dated; a filter, --installed and --aliases', async () => {
    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }, '[tools.disttool.aliases]\nwork = "^1"\n'));
    assert.equal((await sandbox.run(['install', 'disttool', '1.4.2'])).code, 0);
    const [all, filtered, installed, aliases, json] = await Promise.all([
      sandbox.run(['versions', 'disttool']),
      sandbox.run(['vs', 'disttool', '^1']),
      sandbox.run(['versions', 'disttool', '--installed']),
      sandbox.run(['versions', 'disttool', '>=2', '--aliases']),
      sandbox.run(['versions', 'disttool', '--json']),
    ]);
    const today = new Date().toISOString().slice(0, 10);
    assert.equal(all.code, 0, all.stderr);
    assert.equal(all.stdout, ['3.0.0-rc.1', '2.1.0', '2.0.0', `1.4.2       installed ${today}`, '1.0.0', ''].join('\n').replace(`1.4.2       installed ${today}`, `1.4.2       installed ${today}`));
    assert.equal(filtered.stdout, [`1.4.2  installed ${today}`, '1.0.0', ''].join('\n'));
    assert.equal(installed.stdout, `1.4.2  installed ${today}\n`);
    assert.match(aliases.stdout, /^2\.1\.0\n2\.0\.0\n(.+\n)*latest → 2\.1\.0\n(.+\n)*work → \^1\n$/);
    const report = JSON.parse(json.stdout) as { versions: Array<{ version: string; installedAt?: string }>; localAliases: object; remoteAliases: Record<string, string> };
    assert.deepEqual(report.versions.map((item) => [item.version, item.installedAt !== undefined]), [
      ['3.0.0-rc.1', false],
      ['2.1.0', false],
      ['2.0.0', false],
      ['1.4.2', true],
      ['1.0.0', false],
    ]);
    assert.deepEqual(report.localAliases, { work: '^1' });
    assert.equal(report.remoteAliases['lts-argon'], '1.4.2');
    const bad = await sandbox.run(['versions', 'disttool', 'latest']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^error\[cli\.invalid_option\]: The filter must be a version requirement or range/m);
  });
});

describe('unpin/unalias --from and the short aliases', { concurrency: true }, () => {
  it('p, uv --from, a, ua --from edit the chosen file', async () => {
    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }));
    const pinned = await sandbox.run(['p', 'disttool', '2', '--global']);
    assert.equal(pinned.code, 0, pinned.stderr);
    assert.equal(sandbox.read('.proto/.prototools'), 'disttool = "~2"\n');
    const aliased = await sandbox.run(['a', 'disttool', 'work', '1', '--to', 'global']);
    assert.equal(aliased.code, 0, aliased.stderr);
    const [unpinnedLocal, unaliasedLocal] = await Promise.all([sandbox.run(['uv', 'disttool']), sandbox.run(['ua', 'disttool', 'work'])]);
    assert.match(unpinnedLocal.stderr, /^error\[config\.not_pinned\]: .*\nhint: .*--from local\|global\|user/m);
    assert.match(unaliasedLocal.stderr, /^error\[config\.alias_not_found\]/m);
    const unaliased = await sandbox.run(['ua', 'disttool', 'work', '--from', 'global']);
    assert.equal(unaliased.code, 0, unaliased.stderr);
    const unpinned = await sandbox.run(['uv', 'disttool', '--from', 'global']);
    assert.equal(unpinned.code, 0, unpinned.stderr);
    assert.doesNotMatch(sandbox.read('.proto/.prototools'), /disttool =|work =/);
    const bad = await sandbox.run(['uv', 'disttool', '--from', 'moon']);
    assert.match(bad.stderr, /^error\[cli\.invalid_option\]: --from must be local, global or user, got "moon"/m);
  });
});
