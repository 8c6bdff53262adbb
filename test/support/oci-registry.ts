/**
 * A real OCI registry for tests: Debian's `docker-registry` (the CNCF distribution server),
 * started on 127.0.0.1 with a temp config and filesystem storage, plus a small client that pushes
 * plugin images over the same distribution API proto pulls them with.
 *
 * Auth modes, as a registry operator configures them:
 * - none (anonymous pulls and pushes);
 * - `htpasswd`: Basic auth against a bcrypt htpasswd file (the registry accepts bcrypt only:
 *   neither Node's crypto nor openssl makes those, so bcryptjs does);
 * - `token`: the registry answers 401 with `Bearer realm=…`; a token service of ours on
 *   127.0.0.1 checks Basic credentials and hands out JWTs signed (RS256) with a key made by
 *   `openssl` here, whose self-signed certificate the registry trusts (`rootcertbundle`; the
 *   JWT carries it in `x5c`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, createSign, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { run } from './system-commands.js';

export interface RegistryUser {
  username: string;
  password: string;
}

export type RegistryAuth =
  | { kind: 'none' }
  | { kind: 'htpasswd'; user: RegistryUser }
  /** `publicRepositories`: pulled with an anonymous token, as Docker Hub and GHCR serve public images. */
  | { kind: 'token'; user: RegistryUser; publicRepositories?: readonly string[] };

export interface TestRegistry {
  /** `127.0.0.1:<port>`: what a registry:// locator and `[settings] registries` name. */
  host: string;
  /** Requests the token service answered (for tests of the token flow). */
  tokenRequests: Array<{ scope: string | null; user: string | null }>;
  push(image: PushImage): Promise<void>;
  stop(): Promise<void>;
}

export interface PushLayer {
  mediaType: string;
  data: Uint8Array;
}

export interface PushImage {
  /** Repository, e.g. `team/disttool`. */
  repository: string;
  tag: string;
  layers: PushLayer[];
}

/** Starts `docker-registry serve` on 127.0.0.1 (a free port) and waits until it listens. */
export async function startTestRegistry(auth: RegistryAuth = { kind: 'none' }): Promise<TestRegistry> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'proto-registry-')));
  const tokenRequests: TestRegistry['tokenRequests'] = [];
  let tokenServer: Server | undefined;
  let authYaml = '';
  if (auth.kind === 'htpasswd') {
    writeFileSync(join(dir, 'htpasswd'), `${auth.user.username}:${bcrypt.hashSync(auth.user.password, 6)}\n`);
    authYaml = `auth:\n  htpasswd:\n    realm: proto-test\n    path: ${join(dir, 'htpasswd')}\n`;
  } else if (auth.kind === 'token') {
    run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=proto-test-token'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const signer = tokenSigner(readFileSync(join(dir, 'key.pem'), 'utf8'), readFileSync(join(dir, 'cert.pem'), 'utf8'));
    tokenServer = await startTokenServer(auth.user, signer, tokenRequests, auth.publicRepositories ?? []);
    const realm = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token`;
    authYaml = `auth:\n  token:\n    realm: ${realm}\n    service: ${TOKEN_SERVICE}\n    issuer: ${TOKEN_ISSUER}\n    rootcertbundle: ${join(dir, 'cert.pem')}\n`;
  }
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: info\n  formatter: text\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:0\n  secret: proto-test\n${authYaml}`,
  );
  // Only what the server needs: REGISTRY_* variables of the machine would override the config.
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { env: { PATH: process.env.PATH }, stdio: ['ignore', 'ignore', 'pipe'] });
  const host = await listeningAddress(child);
  const credentials = auth.kind === 'none' ? undefined : auth.user;
  return {
    host,
    tokenRequests,
    push: (image) => pushImage(host, image, credentials),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve)));
      await new Promise((resolve) => (tokenServer ? tokenServer.close(resolve) : resolve(undefined)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The `listening on 127.0.0.1:<port>` line of the server's log; its stderr is kept for errors. */
function listeningAddress(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => fail(new Error(`docker-registry did not start within 30 s:\n${log}`)), 30_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.on('error', fail);
    child.on('exit', (code) => fail(new Error(`docker-registry exited (${code}):\n${log}`)));
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      log += text;
      const match = /listening on (127\.0\.0\.1:\d+)/.exec(log);
      if (match) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(match[1]!);
      }
    });
  });
}

// ------------------------------------------------------------------ token service

const TOKEN_SERVICE = 'proto-test-registry';
const TOKEN_ISSUER = 'proto-test-token-service';

type Signer = (claims: object) => string;

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** JWTs as distribution's token auth verifies them: RS256, the certificate chain in `x5c`. */
function tokenSigner(keyPem: string, certPem: string): Signer {
  const certDer = Buffer.from(certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c: [certDer.toString('base64')] }));
  return (claims) => {
    const unsigned = `${header}.${base64url(JSON.stringify(claims))}`;
    return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(keyPem).toString('base64url')}`;
  };
}

/**
 * GET /token?service=…&scope=repository:<name>:<actions>; Basic credentials decide access. Without
 * credentials, a token to pull a public repository (and nothing else).
 */
function startTokenServer(user: RegistryUser, sign: Signer, requests: TestRegistry['tokenRequests'], publicRepositories: readonly string[]): Promise<Server> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const authorization = request.headers.authorization ?? '';
    const [givenUser, givenPassword] = authorization.startsWith('Basic ')
      ? Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(/:(.*)/s)
      : [null, null];
    const scope = url.searchParams.get('scope');
    requests.push({ scope, user: givenUser ?? null });
    const publicPull = givenUser === null && scope !== null && publicRepositories.some((repository) => scope === `repository:${repository}:pull`);
    if (url.pathname !== '/token' || (!publicPull && (givenUser !== user.username || givenPassword !== user.password))) {
      response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ details: 'bad credentials' }));
      return;
    }
    const access = scope
      ? scope.split(' ').map((part) => {
          const [type, name, actions] = part.split(':');
          return { type, name, actions: (actions ?? '').split(',').filter(Boolean) };
        })
      : [];
    const now = Math.floor(Date.now() / 1000);
    const token = sign({ iss: TOKEN_ISSUER, sub: givenUser ?? '', aud: TOKEN_SERVICE, iat: now - 10, nbf: now - 10, exp: now + 600, jti: randomUUID(), access });
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 600 }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ------------------------------------------------------------------ pushing

const CONFIG_TYPE = 'application/vnd.oci.image.config.v1+json';
const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';

function digestOf(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Pushes blobs (monolithic uploads) and the manifest, answering auth challenges like a client. */
async function pushImage(host: string, image: PushImage, credentials: RegistryUser | undefined): Promise<void> {
  const base = `http://${host}/v2/${image.repository}`;
  let authorization: string | undefined;
  const send = async (url: string, init: RequestInit): Promise<Response> => {
    const attempt = () => fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), ...(authorization ? { authorization } : {}) } });
    let response = await attempt();
    if (response.status === 401 && credentials && authorization === undefined) {
      authorization = await answerChallenge(response.headers.get('www-authenticate') ?? '', image.repository, credentials);
      response = await attempt();
    }
    return response;
  };
  const config = new TextEncoder().encode('{}');
  for (const blob of [config, ...image.layers.map((layer) => layer.data)]) {
    const started = await send(`${base}/blobs/uploads/`, { method: 'POST' });
    if (started.status !== 202) throw new Error(`starting an upload to ${base} answered ${started.status}: ${await started.text()}`);
    const location = new URL(started.headers.get('location')!, `http://${host}`);
    location.searchParams.set('digest', digestOf(blob));
    const put = await send(location.href, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: blob });
    if (put.status !== 201) throw new Error(`uploading a blob to ${base} answered ${put.status}: ${await put.text()}`);
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: MANIFEST_TYPE,
    config: { mediaType: CONFIG_TYPE, digest: digestOf(config), size: config.length },
    layers: image.layers.map((layer) => ({ mediaType: layer.mediaType, digest: digestOf(layer.data), size: layer.data.length })),
  };
  const put = await send(`${base}/manifests/${image.tag}`, { method: 'PUT', headers: { 'content-type': MANIFEST_TYPE }, body: JSON.stringify(manifest) });
  if (put.status !== 201) throw new Error(`pushing the manifest of ${image.repository}:${image.tag} answered ${put.status}: ${await put.text()}`);
}

async function answerChallenge(challenge: string, repository: string, user: RegistryUser): Promise<string> {
  const basic = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
  if (!challenge.toLowerCase().startsWith('bearer')) return basic;
  const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1]!, match[2]!]));
  const url = new URL(params.realm!);
  url.searchParams.set('service', params.service ?? '');
  url.searchParams.set('scope', `repository:${repository}:pull,push`);
  const response = await fetch(url, { headers: { authorization: basic } });
  if (!response.ok) throw new Error(`the token service refused the test's push credentials (${response.status})`);
  return `Bearer ${((await response.json()) as { token: string }).token}`;
}
