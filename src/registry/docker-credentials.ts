/**
 * Registry credentials from the Docker config file, looked up as the docker CLI does:
 * `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`; then
 *
 * 1. a credential helper: `credHelpers[host]`, else `credsStore` (the helper for every host).
 *    `docker-credential-<name> get` is run from PATH with the server address on stdin and answers
 *    `{"ServerURL", "Username", "Secret"}` on stdout, or exits non-zero printing `credentials not
 *    found in native keychain`. A helper that fails, hangs past its bound or answers garbage is an
 *    error (`plugin.credential_helper_failed`): the user set it up, so going anonymous would hide
 *    the reason the registry then refuses us. Found nothing: the `auths` entry is read still (a
 *    hand-written one should not be ignored because a store is configured for other hosts).
 * 2. under `auths`, the entry for the host (keys may be written `host`, `host:port`,
 *    `https://host` or `https://host/v1/`) with `auth` = base64 of `user:password` (or
 *    `username` and `password`).
 *
 * An identity token (an `auths` entry's `identitytoken`, a helper's `Username` of `<token>`) is an
 * OAuth refresh token, not usable for the distribution API's Basic or token flow: proto then goes
 * anonymous too.
 *
 * Trust: the helper is a program of the user's, found on their PATH like any command they run;
 * it gets only the registry host. Its answer holds a secret: it is never logged or put in errors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProtoError } from '../errors.js';
import { endGroup, spawnInGroup } from '../host/functions/process-group.js';
import { findOnPath } from '../install/system-tools.js';
import { log } from '../log.js';

export interface BasicCredentials {
  username: string;
  password: string;
}

export interface DockerCredentialOptions {
  /** How long a credential helper may take (a store may ask for a passphrase). */
  helperTimeoutMs?: number;
}

/** Long enough for a keychain or gpg-agent to ask for a passphrase, short enough to not hang CI. */
const HELPER_TIMEOUT_MS = 60_000;
/** A helper's answer is a small JSON object; more is not a helper talking. */
const HELPER_OUTPUT_LIMIT = 64 * 1024;
/** How long a helper's output may still arrive after it exited (its pipes may be held by an agent it started). */
const PIPES_AFTER_EXIT_MS = 200;
/** The one "nothing stored for this host" answer that every helper gives (docker-credential-helpers). */
const NOT_FOUND_MESSAGE = 'credentials not found in native keychain';

interface DockerConfig {
  auths?: Record<string, { auth?: unknown; username?: unknown; password?: unknown; identitytoken?: unknown }>;
  credHelpers?: Record<string, unknown>;
  credsStore?: unknown;
}

export function dockerConfigPath(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const dir = env.DOCKER_CONFIG?.trim();
  return join(dir ? dir : join(home, '.docker'), 'config.json');
}

/** The user name and password for `registryHost`, or undefined (anonymous). */
export async function dockerCredentials(
  registryHost: string,
  env: Readonly<Record<string, string | undefined>>,
  home: string,
  options: DockerCredentialOptions = {},
): Promise<BasicCredentials | undefined> {
  const path = dockerConfigPath(env, home);
  let config: DockerConfig;
  try {
    config = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log('warn', 'registry', `ignoring ${path}: ${(error as Error).message}`);
    return undefined;
  }
  const wanted = normalizeHost(registryHost);
  const perHost = Object.entries(config.credHelpers ?? {}).find(([key]) => normalizeHost(key) === wanted)?.[1];
  const helper = typeof perHost === 'string' && perHost !== '' ? perHost : typeof config.credsStore === 'string' && config.credsStore !== '' ? config.credsStore : undefined;
  if (helper) {
    const found = await fromHelper(helper, registryHost, path, env, options.helperTimeoutMs ?? HELPER_TIMEOUT_MS);
    if (found) return found;
  }
  return fromAuths(config, registryHost, path);
}

function fromAuths(config: DockerConfig, registryHost: string, path: string): BasicCredentials | undefined {
  // Docker Hub's entry is keyed by its historical index URL whichever of its names was asked.
  const wanted = new Set([normalizeHost(registryHost), normalizeHost(serverAddress(registryHost))]);
  const entry = Object.entries(config.auths ?? {}).find(([key]) => wanted.has(normalizeHost(key)))?.[1];
  if (!entry) return undefined;
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    log('warn', 'registry', `the "auth" of ${registryHost} in ${path} is not base64 of user:password; going anonymous`);
    return undefined;
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string') return { username: entry.username, password: entry.password };
  if (entry.identitytoken) log('debug', 'registry', `${registryHost}: identity tokens are not supported; going anonymous`);
  return undefined;
}

/** Asks `docker-credential-<name>`; undefined when it has nothing for this host. */
async function fromHelper(
  name: string,
  registryHost: string,
  configPath: string,
  env: Readonly<Record<string, string | undefined>>,
  timeoutMs: number,
): Promise<BasicCredentials | undefined> {
  const program = `docker-credential-${name}`;
  const fail = (reason: string, hint: string) =>
    new ProtoError('plugin.credential_helper_failed', `Cannot get the credentials of ${registryHost} from ${program} (named in ${configPath}): ${reason}.`, { hint });
  const setUpHint = `Check that \`echo ${serverAddress(registryHost)} | ${program} get\` prints your credentials, or remove the helper from ${configPath} and log in again.`;
  if (/[/\\]/.test(name)) throw fail('a helper name cannot hold a path', setUpHint);
  const executable = findOnPath(program, env.PATH, env);
  if (!executable) throw fail('it is not on PATH', `Install ${program}, or remove "credsStore"/"credHelpers" for this host from ${configPath} and run \`docker login ${registryHost}\`.`);

  const answer = await runHelper(executable, serverAddress(registryHost), env, timeoutMs);
  if (answer.kind === 'timeout') throw fail(`it did not answer within ${Math.round(timeoutMs / 1000)} s`, `${program} may be waiting for an unlock prompt: unlock the store and try again. ${setUpHint}`);
  if (answer.kind === 'error') throw fail(answer.message, setUpHint);
  if (answer.code !== 0) {
    // The helper reports "not found" on stdout, other failures on stdout or stderr.
    if (answer.stdout.trim() === NOT_FOUND_MESSAGE) {
      log('debug', 'registry', `${program} has no credentials for ${registryHost}`);
      return undefined;
    }
    const said = (answer.stdout.trim() || answer.stderr.trim()).split('\n')[0]!.slice(0, 300);
    throw fail(`it exited with ${answer.code}${said ? ` saying "${said}"` : ''}`, setUpHint);
  }
  let parsed: { Username?: unknown; Secret?: unknown };
  try {
    parsed = JSON.parse(answer.stdout);
  } catch {
    throw fail('its answer is not JSON (expected {"Username": …, "Secret": …})', setUpHint);
  }
  if (typeof parsed?.Username !== 'string' || typeof parsed.Secret !== 'string') {
    throw fail('its answer lacks the string fields "Username" and "Secret"', setUpHint);
  }
  if (parsed.Username === '<token>') {
    log('debug', 'registry', `${registryHost}: ${program} holds an identity token, which is not supported; going anonymous`);
    return undefined;
  }
  return { username: parsed.Username, password: parsed.Secret };
}

type HelperAnswer = { kind: 'exit'; code: number; stdout: string; stderr: string } | { kind: 'timeout' } | { kind: 'error'; message: string };

/**
 * Runs `<helper> get` with `input` on stdin. The helper leads a process group of its own, so that
 * at the bound (or past the output limit) the whole group ends (a shell-script helper's children would otherwise keep our
 * pipes, and proto, waiting).
 */
function runHelper(executable: string, input: string, env: Readonly<Record<string, string | undefined>>, timeoutMs: number): Promise<HelperAnswer> {
  return new Promise((resolve) => {
    const child = spawnInGroup(executable, ['get'], { env: { ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (answer: HelperAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const timer = setTimeout(() => {
      void endGroup(child);
      settle({ kind: 'timeout' });
    }, timeoutMs);
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > HELPER_OUTPUT_LIMIT) {
        void endGroup(child);
        settle({ kind: 'error', message: `it printed more than ${HELPER_OUTPUT_LIMIT / 1024} KiB` });
      } else into.push(chunk);
    };
    child.stdout!.on('data', collect(stdout));
    child.stderr!.on('data', collect(stderr));
    child.on('error', (error) => settle({ kind: 'error', message: error.message }));
    // A normal exit leaves the group alone: a store may have started its agent (gpg-agent) there.
    // Such an agent may hold our pipes open, so 'close' can come much later than the exit: take
    // what the helper printed once its pipes end, or a moment after it exited, whichever is first.
    const answer = (code: number | null, signal: NodeJS.Signals | null) =>
      settle({ kind: 'exit', code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    child.on('close', answer);
    child.on('exit', (code, signal) => {
      setTimeout(() => {
        if (settled) return;
        child.stdout!.destroy();
        child.stderr!.destroy();
        answer(code, signal);
      }, PIPES_AFTER_EXIT_MS).unref();
    });
    // A helper that exits without reading its stdin must not make the write an unhandled error.
    child.stdin!.on('error', () => {});
    child.stdin!.end(input);
  });
}

/** What docker hands a helper: the host, except Docker Hub's historical index URL. */
function serverAddress(registryHost: string): string {
  const host = normalizeHost(registryHost);
  return host === 'docker.io' || host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'https://index.docker.io/v1/' : registryHost;
}

/** `https://host/v1/` → `host`; `host:port` stays as is. */
function normalizeHost(key: string): string {
  return key.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
}
