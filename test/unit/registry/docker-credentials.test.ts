import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { dockerCredentials } from '../../../src/registry/docker-credentials.js';

const dir = mkdtempSync(join(tmpdir(), 'proto-docker-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function home(name: string, config: unknown): string {
  const path = join(dir, name);
  mkdirSync(join(path, '.docker'), { recursive: true });
  writeFileSync(join(path, '.docker/config.json'), JSON.stringify(config));
  return path;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('dockerCredentials', () => {
  it('finds the auths entry of a host however its key is written; the password may hold colons', () => {
    const user = home('a', {
      auths: {
        'https://ghcr.io/v1/': { auth: b64('me:pa:ss') },
        '127.0.0.1:5000': { username: 'local', password: 'pw' },
      },
    });
    assert.deepEqual(dockerCredentials('ghcr.io', {}, user), { username: 'me', password: 'pa:ss' });
    assert.deepEqual(dockerCredentials('127.0.0.1:5000', {}, user), { username: 'local', password: 'pw' });
    assert.equal(dockerCredentials('docker.io', {}, user), undefined);
  });

  it('reads $DOCKER_CONFIG/config.json before ~/.docker', () => {
    const other = join(dir, 'elsewhere');
    mkdirSync(other);
    writeFileSync(join(other, 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth: b64('ci:token') } } }));
    assert.deepEqual(dockerCredentials('ghcr.io', { DOCKER_CONFIG: other }, join(dir, 'nobody')), { username: 'ci', password: 'token' });
  });

  it('is anonymous without a file, with an identity token only, or with a broken entry', () => {
    assert.equal(dockerCredentials('ghcr.io', {}, join(dir, 'missing')), undefined);
    const user = home('b', { auths: { 'ghcr.io': { identitytoken: 'x' }, 'quay.io': { auth: b64('no-colon') } } });
    assert.equal(dockerCredentials('ghcr.io', {}, user), undefined);
    assert.equal(dockerCredentials('quay.io', {}, user), undefined);
  });
});
