/**
 * The tags of a git repository, as proto's `load_git_tags` lists them for `resolve.git-url`:
 * `git ls-remote --tags <url>`, peeled entries (`^{}`) dropped.
 *
 * Trust: the URL comes from a plugin file; it is passed to git as one argument after `--`
 * (never through a shell), and a URL starting with `-` or using git's `ext::` transport (which
 * runs commands) is refused.
 */
import { execFile } from 'node:child_process';
import { ProtoError } from '../errors.js';
import { findExecutable } from '../install/system-tools.js';

const LS_REMOTE_TIMEOUT_MS = 120_000;

export async function listGitTags(url: string, options: { pluginId: string; env?: NodeJS.ProcessEnv; offline?: boolean }): Promise<string[]> {
  const where = `resolve.git-url of plugin "${options.pluginId}"`;
  if (url.startsWith('-') || /^ext::/i.test(url)) {
    throw new ProtoError('schema.invalid', `${where} "${url}" is not a repository URL.`);
  }
  if (options.offline && !isLocal(url)) {
    throw new ProtoError('install.offline', `Cannot list the tags of ${url} for ${options.pluginId}: proto is offline.`, {
      hint: 'Connect to the internet; versions listed before are used from the cache meanwhile.',
    });
  }
  const env = options.env ?? process.env;
  const git = findExecutable('git', env.PATH ?? '');
  if (!git) {
    throw new ProtoError('schema.git_missing', `Plugin "${options.pluginId}" lists its versions from git tags, but git is not installed.`, {
      hint: 'Install git (e.g. `apt-get install git`) and try again.',
    });
  }
  // No prompt for credentials: a private repository fails instead of hanging the CLI.
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      git,
      ['ls-remote', '--tags', '--', url],
      { env: { ...env, GIT_TERMINAL_PROMPT: '0' }, timeout: LS_REMOTE_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
      (error, out, err) => {
        if (error) {
          reject(
            new ProtoError('schema.git_failed', `git ls-remote --tags ${url} failed for plugin "${options.pluginId}": ${String(err).trim() || error.message}`, {
              hint: `Check ${where}: the repository must exist and be readable without a password prompt.`,
            }),
          );
        } else resolve(out);
      },
    );
  });
  return parseLsRemoteTags(stdout);
}

/** `<sha>\trefs/tags/<tag>` lines → tag names, without the peeled `^{}` duplicates. */
export function parseLsRemoteTags(output: string): string[] {
  const tags: string[] = [];
  for (const line of output.split('\n')) {
    const ref = line.split(/\s+/)[1];
    if (!ref?.startsWith('refs/tags/') || ref.endsWith('^{}')) continue;
    tags.push(ref.slice('refs/tags/'.length));
  }
  return tags;
}

function isLocal(url: string): boolean {
  return url.startsWith('/') || url.startsWith('file://') || url.startsWith('.');
}
