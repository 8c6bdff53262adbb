import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isProtoError } from '../../../src/errors.js';
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
  it('finds the auths entry of a host however its key is written; the password may hold colons', async () => {
    const user = home('a', {
      auths: {
        'https://ghcr.io/v1/': { auth: b64('me:pa:ss') },
        '127.0.0.1:5000': { username: 'local', password: 'pw' },
      },
    });
    assert.deepEqual(await dockerCredentials('ghcr.io', {}, user), { username: 'me', password: 'pa:ss' });
    assert.deepEqual(await dockerCredentials('127.0.0.1:5000', {}, user), { username: 'local', password: 'pw' });
    assert.equal(await dockerCredentials('docker.io', {}, user), undefined);
  });

  it("finds Docker Hub's entry, keyed by its index URL, under each of Docker Hub's names", async () => {
    const user = home('hub', { auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw') } } });
    for (const host of ['docker.io', 'index.docker.io', 'registry-1.docker.io']) {
      assert.deepEqual(await dockerCredentials(host, {}, user), { username: 'hub', password: 'pw' }, host);
    }
  });

  it('reads $DOCKER_CONFIG/config.json before ~/.docker', async () => {
    const other = join(dir, 'elsewhere');
    mkdirSync(other);
    writeFileSync(join(other, 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth: b64('ci:token') } } }));
    assert.deepEqual(await dockerCredentials('ghcr.io', { DOCKER_CONFIG: other }, join(dir, 'nobody')), { username: 'ci', password: 'token' });
  });

  it('is anonymous without a file, with an identity token only, or with a broken entry', async () => {
    assert.equal(await dockerCredentials('ghcr.io', {}, join(dir, 'missing')), undefined);
    const user = home('b', { auths: { 'ghcr.io': { identitytoken: 'x' }, 'quay.io': { auth: b64('no-colon') } } });
    assert.equal(await dockerCredentials('ghcr.io', {}, user), undefined);
    assert.equal(await dockerCredentials('quay.io', {}, user), undefined);
  });

  describe('credential helpers (credsStore, credHelpers)', () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const env = { PATH: `${bin}:${process.env.PATH}` };
    /** A docker-credential-<name> on `env.PATH`: a shell script standing in for a keychain. */
    const helper = (name: string, body: string) => {
      const path = join(bin, `docker-credential-${name}`);
      writeFileSync(path, `#!/bin/sh\n${body}\n`);
      chmodSync(path, 0o755);
    };
    // Answers for ghcr.io only, and keeps the request line it was given.
    helper(
      'store',
      [
        'host=$(cat)',
        `printf '%s %s' "$1" "$host" >> "${join(dir, 'store-calls')}"`,
        'if [ "$host" = ghcr.io ]; then printf \'{"ServerURL":"ghcr.io","Username":"from-store","Secret":"s3:cret"}\'; exit 0; fi',
        'echo "credentials not found in native keychain"; exit 1',
      ].join('\n'),
    );
    helper('per-host', 'cat >/dev/null; printf \'{"Username":"per-host","Secret":"x"}\'');
    helper('broken', 'cat >/dev/null; echo "keychain is locked" >&2; exit 3');
    helper('garbage', 'cat >/dev/null; echo "Username=me"');
    helper('token', 'cat >/dev/null; printf \'{"Username":"<token>","Secret":"refresh"}\'');

    it('asks credsStore with the host on stdin; credHelpers of the host wins over it', async () => {
      const user = home('helpers', { credsStore: 'store', credHelpers: { 'quay.io': 'per-host' }, auths: { 'ghcr.io': {} } });
      assert.deepEqual(await dockerCredentials('ghcr.io', env, user), { username: 'from-store', password: 's3:cret' });
      assert.equal(readFileSync(join(dir, 'store-calls'), 'utf8'), 'get ghcr.io');
      assert.deepEqual(await dockerCredentials('quay.io', env, user), { username: 'per-host', password: 'x' });
    });

    it('reads auths when the helper has nothing for the host, and is anonymous with an identity token', async () => {
      const user = home('fallback', { credsStore: 'store', auths: { 'example.com': { auth: b64('inline:pw') } } });
      assert.deepEqual(await dockerCredentials('example.com', env, user), { username: 'inline', password: 'pw' });
      assert.equal(await dockerCredentials('other.example', env, user), undefined);
      assert.equal(await dockerCredentials('ghcr.io', env, home('token', { credsStore: 'token' })), undefined);
    });

    it('reports a missing, failing or garbled helper with a hint, never going anonymous silently', async () => {
      const cases: Array<[string, RegExp, RegExp]> = [
        ['absent', /docker-credential-absent .*it is not on PATH/, /Install docker-credential-absent/],
        ['broken', /docker-credential-broken .*exited with 3 saying "keychain is locked"/, /echo ghcr\.io \| docker-credential-broken get/],
        ['garbage', /docker-credential-garbage .*its answer is not JSON/, /docker-credential-garbage get/],
      ];
      for (const [name, message, hint] of cases) {
        const user = home(`fail-${name}`, { credsStore: name, auths: { 'ghcr.io': { auth: b64('never:used') } } });
        await assert.rejects(dockerCredentials('ghcr.io', env, user), (error: unknown) => {
          assert.ok(isProtoError(error, 'plugin.credential_helper_failed'), String(error));
          assert.match(error.message, message);
          assert.match(error.message, new RegExp(`named in ${user}/\\.docker/config\\.json`));
          assert.match(error.hint ?? '', hint);
          return true;
        });
      }
    });

    it('takes the answer of a helper that exits leaving a child of its own holding the pipes', async () => {
      // A store's agent started on first use outlives the helper (and keeps its stdout open).
      helper('agent', `cat >/dev/null; sleep 30 & printf '{"Username":"with-agent","Secret":"x"}'`);
      const user = home('agent', { credsStore: 'agent' });
      assert.deepEqual(await dockerCredentials('ghcr.io', env, user, { helperTimeoutMs: 20_000 }), { username: 'with-agent', password: 'x' });
    });

    it('stops a helper that does not answer within its bound, with the children it started', async () => {
      const pidFile = join(dir, 'hung-child');
      // The shell's child (sleep) would hold the pipes open if only the shell were killed.
      helper('hung', `cat >/dev/null; sleep 300 & echo $! > "${pidFile}"; wait`);
      const user = home('hung', { credsStore: 'hung' });
      await assert.rejects(dockerCredentials('ghcr.io', env, user, { helperTimeoutMs: 500 }), (error: unknown) =>
        isProtoError(error, 'plugin.credential_helper_failed') && /did not answer within 1 s/.test(error.message) && /unlock/.test(error.hint ?? ''),
      );
      assert.ok(existsSync(pidFile), 'the helper ran');
      const pid = Number(readFileSync(pidFile, 'utf8'));
      // The group gets SIGTERM, then SIGKILL after a grace period: wait for the sleep to be gone.
      for (let waited = 0; isAlive(pid); waited += 50) {
        assert.ok(waited < 30_000, `sleep ${pid} outlived the helper`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
  });
});

/** Running: signalled fine and not a zombie waiting for a reaper (that one is ended). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return true;
  }
}
