/**
 * Network settings that must do what they say, end to end: `[settings.http] root-cert` against a
 * TLS dist server on 127.0.0.1 whose certificate is signed by a CA made here with `openssl`;
 * `allow-invalid-certs` (with its warning); and `[settings.offline]` detection.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { createServer as createTcpServer } from 'node:net';
import { join, normalize } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { run, skipWithout } from '../support/system-commands.js';
import { fixtureToolsConfig, useCliFixture } from './support/cli-sandbox.js';

const fixture = useCliFixture();

/** A CA and a server certificate for 127.0.0.1 signed by it, made by the real `openssl`. */
function makeCertificates(dir: string): { ca: string; key: string; cert: string } {
  const path = (name: string) => join(dir, name);
  run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path('ca.key'), '-out', path('ca.pem'), '-days', '2', '-subj', '/CN=proto-ts test CA']);
  run('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path('server.key'), '-out', path('server.csr'), '-subj', '/CN=127.0.0.1']);
  writeFileSync(path('san.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  run('openssl', ['x509', '-req', '-in', path('server.csr'), '-CA', path('ca.pem'), '-CAkey', path('ca.key'), '-CAcreateserial', '-out', path('server.pem'), '-days', '2', '-extfile', path('san.cnf')]);
  return { ca: path('ca.pem'), key: path('server.key'), cert: path('server.pem') };
}

describe('[settings.http] root-cert and allow-invalid-certs', skipWithout('openssl'), () => {
  let server: Server;
  let url: string;
  let ca: string;

  before(async () => {
    const certDir = fixture.sandboxWith('').root;
    const made = makeCertificates(certDir);
    ca = made.ca;
    // The disttool dist tree, served over TLS.
    server = createHttpsServer({ key: readFileSync(made.key), cert: readFileSync(made.cert) }, (request, response) => {
      const file = normalize(join(fixture.dist.dir, decodeURIComponent(new URL(request.url ?? '/', 'https://x').pathname)));
      try {
        if (!file.startsWith(fixture.dist.dir)) throw new Error('outside');
        response.end(readFileSync(file));
      } catch {
        response.statusCode = 404;
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('without root-cert the private CA is refused; with it the install succeeds', async () => {
    const untrusted = fixture.sandboxWith(fixtureToolsConfig({ disttool: { distUrl: url } }, '[settings.http]\nretry-count = 0\n'));
    const refused = await untrusted.run(['install', 'disttool', '2.1.0']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^error\[plugin\.host_function_failed\]: .*The TLS certificate of 127\.0\.0\.1:\d+ was refused for https:\/\/127\.0\.0\.1:\d+\/index\.json \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)\.\nhint: .*\[settings\.http\] root-cert/m);

    const trusted = fixture.sandboxWith(fixtureToolsConfig({ disttool: { distUrl: url } }, `[settings.http]\nroot-cert = "ca.pem"\n`));
    writeFileSync(join(trusted.cwd, 'ca.pem'), readFileSync(ca));
    const installed = await trusted.run(['install', 'disttool', '2.1.0']);
    assert.equal(installed.code, 0, installed.stderr);
    assert.equal(installed.stdout, 'disttool 2.1.0 installed\n');
  });

  it('a root-cert that is missing or not PEM is a clear error', async () => {
    const sandbox = fixture.sandboxWith(fixtureToolsConfig({ disttool: { distUrl: url } }, '[settings.http]\nroot-cert = "nope.pem"\n'));
    const missing = await sandbox.run(['install', 'disttool', '2.1.0']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Cannot read the root certificate .*nope\.pem \(\[settings\.http\] root-cert\)/);
    writeFileSync(join(sandbox.cwd, 'nope.pem'), 'not a certificate');
    const garbage = await sandbox.run(['install', 'disttool', '2.1.0']);
    assert.match(garbage.stderr, /nope\.pem \(\[settings\.http\] root-cert\) holds no PEM certificate/);
  });

  it('allow-invalid-certs installs from the untrusted server, warning on every run', async () => {
    const sandbox = fixture.sandboxWith(fixtureToolsConfig({ disttool: { distUrl: url } }, '[settings.http]\nallow-invalid-certs = true\n'));
    const installed = await sandbox.run(['install', 'disttool', '2.1.0']);
    assert.equal(installed.code, 0, installed.stderr);
    assert.match(installed.stderr, /^\[WARN  config\] TLS certificates are not verified \(\[settings\.http\] allow-invalid-certs = true\)/m);
    const listed = await sandbox.run(['list']);
    assert.match(listed.stderr, /TLS certificates are not verified/);
  });
});

describe('[settings.offline]', { concurrency: true }, () => {
  let listener: ReturnType<typeof createTcpServer>;
  let openPort: number;
  let closedPort: number;
  before(async () => {
    listener = createTcpServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    openPort = (listener.address() as { port: number }).port;
    // A port that was free a moment ago: nothing listens there.
    const probe = createTcpServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });
  after(() => new Promise<void>((resolve) => listener.close(() => resolve())));

  /** A tool whose plugin lives on a non-loopback host: fetching it needs the network. */
  const remotePluginConfig = (hosts: number) =>
    `[plugins.tools]\nremotetool = "https://plugins.example.invalid/remotetool.wasm"\n\n[settings.http]\nretry-count = 0\n\n[settings.offline]\noverride-default-hosts = true\ncustom-hosts = ["127.0.0.1:${hosts}"]\ntimeout = 2000\n`;

  it('detects offline mode when no listed host answers, and says so', async () => {
    const sandbox = fixture.sandboxWith(remotePluginConfig(closedPort));
    const result = await sandbox.run(['list-remote', 'remotetool']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`^error\\[net\\.offline\\]: Cannot fetch https://plugins\\.example\\.invalid/remotetool\\.wasm: proto is offline \\(none of 127\\.0\\.0\\.1:${closedPort} could be reached\\)\\.\\nhint: .*custom-hosts`, 'm'));
  });

  it('goes on when a listed host answers (the request itself then fails on its own)', async () => {
    const sandbox = fixture.sandboxWith(remotePluginConfig(openPort));
    const result = await sandbox.run(['list-remote', 'remotetool']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^error\[net\.unreachable\]: Cannot reach plugins\.example\.invalid/m);
  });

  it('never delays requests to loopback hosts', async () => {
    const sandbox = fixture.sandboxWith((distUrl) => fixtureToolsConfig({ disttool: { distUrl } }, `[settings.offline]\noverride-default-hosts = true\ncustom-hosts = ["127.0.0.1:${closedPort}"]\n`));
    const result = await sandbox.run(['install', 'disttool', '2.1.0']);
    assert.equal(result.code, 0, result.stderr);
  });
});
