/**
 * Registry credentials from the Docker config file, as warpgate reads them (`docker_credential`):
 * `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`; under `auths`, the entry for the
 * registry host (keys may be written `host`, `host:port`, `https://host` or `https://host/v1/`)
 * with `auth` = base64 of `user:password` (or `username` and `password`). An identity token is
 * not usable for the distribution API (proto then goes anonymous too). Credential helpers
 * (`credsStore`, `credHelpers`) are not run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { log } from '../log.js';

export interface BasicCredentials {
  username: string;
  password: string;
}

export function dockerConfigPath(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const dir = env.DOCKER_CONFIG?.trim();
  return join(dir ? dir : join(home, '.docker'), 'config.json');
}

/** The user name and password for `registryHost`, or undefined (anonymous). */
export function dockerCredentials(registryHost: string, env: Readonly<Record<string, string | undefined>>, home: string): BasicCredentials | undefined {
  const path = dockerConfigPath(env, home);
  let config: { auths?: Record<string, { auth?: unknown; username?: unknown; password?: unknown; identitytoken?: unknown }>; credHelpers?: Record<string, string>; credsStore?: string };
  try {
    config = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log('warn', 'registry', `ignoring ${path}: ${(error as Error).message}`);
    return undefined;
  }
  const wanted = normalizeHost(registryHost);
  const entry = Object.entries(config.auths ?? {}).find(([key]) => normalizeHost(key) === wanted)?.[1];
  if (!entry) {
    if (config.credHelpers?.[registryHost] || config.credsStore) {
      log('warn', 'registry', `${path} names a credential helper for ${registryHost}; helpers are not run: add an "auths" entry instead`);
    }
    return undefined;
  }
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

/** `https://host/v1/` → `host`; `host:port` stays as is. */
function normalizeHost(key: string): string {
  return key.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
}
