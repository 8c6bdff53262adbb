/**
 * Git indexes (`git+https://…`, `git+file://…`, optionally `#<branch or tag>`): a shallow clone
 * under `~/.proto/cache/plugin-indexes/<key>/repo`, made with the system `git` and replaced by a
 * fresh clone when older than the cache duration or on `proto plugin update`. Offline, the clone
 * is used at any age.
 *
 * Concurrency: the clone is made in a temp dir next to `repo` and swapped in under the source's
 * lock, so a clone that fails half-way never replaces a good one. A reader that lists the index
 * during the swap may miss it for that one run.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ProtoError } from '../errors.js';
import { findExecutable } from '../install/system-tools.js';
import { log } from '../log.js';
import type { NetSettings } from '../net/net-settings.js';
import { isLoopbackHost } from '../net/url-policy.js';
import { acquireLock, writeFileAtomic } from '../store/index.js';
import { rewrittenUrl } from './fetch-resource.js';
import type { IndexSource } from './index-source.js';

export interface GitSyncOptions {
  settings: NetSettings;
  offline: boolean;
  /** Clone again whatever the age (`proto plugin update`). */
  refresh: boolean;
  maxAgeMs: number;
  env: NodeJS.ProcessEnv;
  now?: number;
}

export interface GitClone {
  path: string;
  fetchedAt: number;
}

/** Clones or refreshes the index as needed; returns the clone to read. */
export async function syncGitIndex(source: Extract<IndexSource, { kind: 'git' }>, cacheDir: string, options: GitSyncOptions): Promise<GitClone> {
  const clone = join(cacheDir, 'repo');
  const stampPath = join(cacheDir, 'fetched.json');
  const now = options.now ?? Date.now();
  const current = async (): Promise<GitClone | undefined> => {
    const fetchedAt = await readStamp(stampPath);
    return fetchedAt !== undefined && existsSync(clone) ? { path: clone, fetchedAt } : undefined;
  };
  const fresh = (found: GitClone | undefined) => found && !options.refresh && now - found.fetchedAt < options.maxAgeMs;

  const existing = await current();
  if (existing && (options.offline || fresh(existing))) return existing;
  if (options.offline) {
    throw new ProtoError('plugin.index_offline', `The plugin index ${source.written} has not been cloned yet and proto is offline.`, {
      hint: 'Run `proto plugin update` once with a network connection.',
    });
  }
  await fs.mkdir(cacheDir, { recursive: true });
  const lock = await acquireLock(`${cacheDir}.lock`);
  try {
    const again = await current();
    // Another process refreshed it while we waited for the lock.
    if (again && (fresh(again) || (options.refresh && again.fetchedAt >= now))) return again;
    try {
      await cloneInto(source, clone, options);
    } catch (error) {
      if (!again) throw error;
      log('warn', 'plugin-index', `${(error as Error).message} Using the clone from ${new Date(again.fetchedAt).toISOString()}.`);
      return again;
    }
    const fetchedAt = Date.now();
    await writeFileAtomic(stampPath, JSON.stringify({ source: source.written, fetchedAt }));
    return { path: clone, fetchedAt };
  } finally {
    await lock.release();
  }
}

async function cloneInto(source: Extract<IndexSource, { kind: 'git' }>, clone: string, options: GitSyncOptions): Promise<void> {
  const git = findExecutable('git', options.env.PATH ?? '');
  if (!git) {
    throw new ProtoError('plugin.git_missing', `The plugin index ${source.written} is a git repository, but git is not installed.`, {
      hint: 'Install git (e.g. `apt-get install git`), or use an index served over https://.',
    });
  }
  const url = rewrittenUrl(source.url, options.settings);
  checkGitUrl(url, source.url);
  const temp = `${clone}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const args = ['clone', '--quiet', '--depth', '1', '--no-tags', ...(source.ref ? ['--branch', source.ref] : []), '--', url, temp];
  try {
    await promisify(execFile)(git, args, {
      env: { ...options.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '', SSH_ASKPASS: '' },
      timeout: 10 * 60 * 1000,
      maxBuffer: 4 * 1024 * 1024,
    });
  } catch (error) {
    await fs.rm(temp, { recursive: true, force: true });
    // git explains in its `fatal:` lines; the advice around them is not for our users.
    const lines = String((error as { stderr?: unknown }).stderr ?? '').split('\n').map((line) => line.trim());
    const reason = lines.filter((line) => /^(fatal|error):/.test(line)).join('; ') || lines.find((line) => line !== '') || (error as Error).message;
    throw new ProtoError('plugin.index_unreachable', `Cannot clone the plugin index ${source.written}: ${reason}`, {
      hint: 'Check the URL and your network, or point [settings] plugin-index / PROTO_PLUGIN_INDEX at a local index.',
      cause: error,
    });
  }
  const trash = `${clone}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
  await fs.rename(clone, trash).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await fs.rename(temp, clone);
  await fs.rm(trash, { recursive: true, force: true });
}

/** git fetches what it is told: only https, loopback http and local repositories. */
function checkGitUrl(url: string, original: string): void {
  const parsed = new URL(url);
  const allowed = parsed.protocol === 'https:' || parsed.protocol === 'file:' || (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname));
  if (!allowed) {
    throw new ProtoError('net.insecure_url', `Refusing to clone ${url}${url === original ? '' : ` (rewritten from ${original})`}.`, {
      hint: 'Git indexes are cloned over https:// (plain http only on loopback) or from file://.',
    });
  }
}

async function readStamp(path: string): Promise<number | undefined> {
  try {
    const value = JSON.parse(await fs.readFile(path, 'utf8')) as { fetchedAt?: unknown };
    return typeof value.fetchedAt === 'number' ? value.fetchedAt : undefined;
  } catch {
    return undefined;
  }
}
