/**
 * `--log <level>` and `PROTO_LOG`: logs (ours and the plugins') go to stderr at the chosen level;
 * stdout keeps only the data.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureToolsConfig, useCliFixture } from './support/cli-sandbox.js';

const fixture = useCliFixture();

describe('log levels', { concurrency: true }, () => {
  it('--log trace shows each plugin call on stderr; stdout is unchanged', async () => {
    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }));
    const quiet = await sandbox.run(['list-remote', 'disttool', '--refresh']);
    const traced = await sandbox.run(['--log', 'trace', 'list-remote', 'disttool', '--refresh']);
    assert.equal(traced.code, 0, traced.stderr);
    assert.equal(traced.stdout, quiet.stdout);
    // The first run recorded register_tool's answer (the plugin metadata cache); load_versions runs.
    assert.match(traced.stderr, /^\[TRACE plugin:disttool\] register_tool answered from the metadata cache$/m);
    assert.match(traced.stderr, /^\[TRACE plugin:disttool\] load_versions took [\d.]+ ms \(input \d+ B, output \d+ B\)$/m);
    // Which config files were read, every URL fetched (after rewrites), cache hits.
    assert.match(traced.stderr, /^\[TRACE config\] read .*\/workspace\/\.prototools \(local, mode upwards-global\)$/m);
    assert.match(traced.stderr, /^\[TRACE net\] GET http:\/\/127\.0\.0\.1:\d+\/index\.json$/m);
    assert.doesNotMatch(quiet.stderr, /TRACE/);
    const cached = await sandbox.run(['--log', 'trace', 'list-remote', 'disttool']);
    assert.match(cached.stderr, /^\[TRACE cache\] remote versions of disttool: cache hit .*remote-versions\.json$/m);
    assert.doesNotMatch(cached.stderr, /\[TRACE net\] GET/);
  });

  it('PROTO_LOG sets the level when --log is not given, and an unknown level is refused', async () => {
    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }));
    const traced = await sandbox.run(['list-remote', 'disttool'], { env: { PROTO_LOG: 'trace' } });
    assert.match(traced.stderr, /\[TRACE plugin:disttool\] register_tool took/);
    const bad = await sandbox.run(['--log', 'loud', 'list']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^error\[cli\.invalid_option\]: --log must be one of off, error, warn, info, debug, trace, verbose, got "loud"$/m);
  });
});
