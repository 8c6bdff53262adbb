import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProtoError, type ProtoError } from '../../../src/errors.js';
import { resolveVersion, type RemoteVersions } from '../../../src/version/index.js';

const remote: RemoteVersions = {
  versions: ['18.19.0', '18.20.4', '20.10.0', '20.11.1', '22.0.0', '22.1.0-rc.1', 'not-a-version'],
  aliases: { 'lts-hydrogen': '18.20.4', 'lts-iron': '~20', stable: 'lts-iron' },
  latest: '22.0.0',
};

function failure(run: () => unknown, code: string): ProtoError {
  try {
    run();
  } catch (error) {
    assert.ok(isProtoError(error, code), `expected ${code}, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${code}`);
}

describe('resolveVersion (plugin-api §5.4)', () => {
  it('resolves canary to canary without looking at versions', () => {
    assert.equal(resolveVersion({ spec: 'canary' }), 'canary');
  });

  it('resolves a requirement to the highest matching remote version', () => {
    assert.equal(resolveVersion({ spec: '20', remote }), '20.11.1');
    assert.equal(resolveVersion({ spec: '^18.19', remote }), '18.20.4');
    assert.equal(resolveVersion({ spec: '*', remote }), '22.0.0');
  });

  it('prefers the highest matching INSTALLED version for requirements and ranges', () => {
    assert.equal(resolveVersion({ spec: '20', remote, installed: ['20.10.0'] }), '20.10.0');
    assert.equal(resolveVersion({ spec: '^18 || ^20', remote, installed: ['18.19.0'] }), '18.19.0');
    // An installed version that does not match is no reason to skip the remote list.
    assert.equal(resolveVersion({ spec: '22', remote, installed: ['20.10.0'] }), '22.0.0');
  });

  it('without preferInstalled (install), resolves requirements and ranges against the remote list', () => {
    assert.equal(resolveVersion({ spec: '20', remote, installed: ['20.10.0'], preferInstalled: false }), '20.11.1');
    assert.equal(resolveVersion({ spec: '^18 || ^20', remote, installed: ['18.19.0'], preferInstalled: false }), '20.11.1');
    // An exact installed version still resolves, even when no longer listed.
    assert.equal(resolveVersion({ spec: '16.0.0', remote, installed: ['16.0.0'], preferInstalled: false }), '16.0.0');
  });

  it('never picks a pre-release for a plain requirement', () => {
    assert.equal(resolveVersion({ spec: '^22', remote }), '22.0.0');
    assert.equal(resolveVersion({ spec: '>=22.1.0-rc.0', remote }), '22.1.0-rc.1');
  });

  it('accepts an exact version only when it is installed or listed', () => {
    assert.equal(resolveVersion({ spec: 'v20.10.0', remote }), '20.10.0');
    assert.equal(resolveVersion({ spec: '16.0.0', remote, installed: ['16.0.0'] }), '16.0.0');
    const error = failure(() => resolveVersion({ spec: '20.10.1', remote, toolId: 'node' }), 'version.resolve_failed');
    assert.match(error.message, /node/);
    assert.match(error.message, /"20\.10\.1"/);
    // Names what exists near the request.
    assert.match(error.message, /Nearest available: .*20\.10\.0.*20\.11\.1/);
  });

  it('resolves latest from the output, else from the newest version', () => {
    assert.equal(resolveVersion({ spec: 'latest', remote }), '22.0.0');
    assert.equal(resolveVersion({ spec: 'latest', remote: { versions: ['1.0.0', '1.2.0'] } }), '1.2.0');
  });

  it('follows plugin aliases through other aliases and requirements', () => {
    assert.equal(resolveVersion({ spec: 'lts-hydrogen', remote }), '18.20.4');
    assert.equal(resolveVersion({ spec: 'stable', remote }), '20.11.1');
  });

  it('falls back from stable to latest when nobody defines stable', () => {
    assert.equal(resolveVersion({ spec: 'stable', remote: { versions: ['1.0.0', '2.0.0'] } }), '2.0.0');
  });

  it('gives user aliases priority over plugin aliases of the same name', () => {
    assert.equal(resolveVersion({ spec: 'lts-hydrogen', remote, userAliases: { 'lts-hydrogen': '20.10.0' } }), '20.10.0');
    assert.equal(resolveVersion({ spec: 'work', remote, userAliases: { work: 'lts-hydrogen' } }), '18.20.4');
    assert.equal(resolveVersion({ spec: 'latest', remote, userAliases: { latest: '^18' } }), '18.20.4');
  });

  it('reports an alias cycle instead of looping, naming the chain', () => {
    const error = failure(
      () => resolveVersion({ spec: 'a', remote: { ...remote, aliases: { c: 'a' } }, userAliases: { a: 'b', b: 'c' }, toolId: 'node' }),
      'version.alias_cycle',
    );
    assert.match(error.message, /node/);
    assert.match(error.message, /a → b → c → a/);
    failure(() => resolveVersion({ spec: 'self', remote, userAliases: { self: 'self' } }), 'version.alias_cycle');
  });

  it('fails on an unknown alias, listing the aliases that exist', () => {
    const error = failure(() => resolveVersion({ spec: 'lts-argon', remote, userAliases: { work: '20' }, toolId: 'node' }), 'version.resolve_failed');
    assert.match(error.message, /no alias "lts-argon"/);
    assert.match(error.message, /latest, lts-hydrogen, lts-iron, stable, work/);
  });

  it('fails on a requirement nothing satisfies, naming the nearest versions, the newest and what is installed', () => {
    const error = failure(() => resolveVersion({ spec: '^21', remote, installed: ['18.19.0'], toolId: 'node' }), 'version.resolve_failed');
    assert.match(error.message, /No version of node matches "\^21"/);
    assert.match(error.message, /Nearest available: 18\.20\.4, 20\.10\.0, 20\.11\.1, 22\.0\.0/);
    assert.match(error.message, /Newest: 22\.1\.0-rc\.1/);
    assert.match(error.message, /Installed: 18\.19\.0/);
    assert.ok(error.hint);
  });

  it('says so when the plugin listed nothing', () => {
    const error = failure(() => resolveVersion({ spec: '1.0.0', remote: { versions: [] } }), 'version.resolve_failed');
    assert.match(error.message, /listed no versions/);
  });

  it('names the alias chain when an alias leads nowhere', () => {
    const error = failure(() => resolveVersion({ spec: 'work', remote, userAliases: { work: '^30' } }), 'version.resolve_failed');
    assert.match(error.message, /"work"\s*\(via alias "work" → "\^30"\)/);
  });

  it('rejects an alias whose value is not a spec, saying where it came from', () => {
    const error = failure(() => resolveVersion({ spec: 'bad', remote: { versions: ['1.0.0'], aliases: { bad: '!!' } } }), 'version.resolve_failed');
    assert.match(error.message, /plugin/);
  });

  it('rejects an invalid spec', () => {
    failure(() => resolveVersion({ spec: '1.2.3.4', remote }), 'version.invalid_spec');
  });

  it('resolves calendar versions', () => {
    const calendar = { versions: ['2024-01-15', '2024-02-01', '2024-02-20'] };
    assert.equal(resolveVersion({ spec: '~2024-02', remote: calendar }), '2024-02-20');
    assert.equal(resolveVersion({ spec: '2024-1-15', remote: calendar }), '2024-01-15');
  });
});
