/**
 * Plugin locators (spec §6.2): where a tool's .wasm comes from.
 *
 * `file://./rel.wasm` (relative to the config file that named it), `https://…/plugin.wasm`,
 * `github://owner/repo[/project][@tag]`; legacy `source:<url|path>` and `github:owner/repo`.
 * Plain `http://` is refused except on loopback (local mirrors and tests).
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProtoError } from '../errors.js';
import { isLoopbackHost } from '../net/index.js';

export type PluginLocator =
  | { kind: 'file'; path: string; original: string }
  | { kind: 'url'; url: string; original: string }
  | { kind: 'github'; owner: string; repo: string; project?: string; tag?: string; original: string };

/** Parses a locator string; `baseDir` is the directory of the config file it came from. */
export function parseLocator(value: string, baseDir: string): PluginLocator {
  const original = value;
  let text = value.trim();
  if (text.startsWith('source:')) {
    text = text.slice('source:'.length);
    if (!/^[a-z]+:\/\//i.test(text)) text = `file://${text}`;
  } else if (/^github:(?!\/\/)/.test(text)) {
    text = `github://${text.slice('github:'.length)}`;
  }

  if (text.startsWith('file://')) {
    const rest = text.slice('file://'.length);
    const path = rest.startsWith('/') && !rest.startsWith('//') ? fileURLToPath(`file://${rest}`) : rest;
    return { kind: 'file', path: isAbsolute(path) ? path : resolve(baseDir, path), original };
  }
  if (text.startsWith('https://')) return { kind: 'url', url: text, original };
  if (text.startsWith('http://')) {
    const host = new URL(text).hostname;
    if (isLoopbackHost(host)) return { kind: 'url', url: text, original };
    throw new ProtoError('plugin.insecure_locator', `Plugin locator ${original} uses plain http.`, {
      hint: 'Use an https:// URL (plain http is only accepted for 127.0.0.1/localhost).',
    });
  }
  if (text.startsWith('github://')) {
    const match = /^github:\/\/([\w.-]+)\/([\w.-]+)(?:\/([\w.-]+))?(?:@([\w.+-]+))?$/.exec(text);
    if (!match) {
      throw new ProtoError('plugin.invalid_locator', `Invalid GitHub plugin locator ${original}.`, {
        hint: 'Use github://owner/repo, github://owner/repo/project or github://owner/repo@tag.',
      });
    }
    const [, owner, repo, project, tag] = match;
    return { kind: 'github', owner: owner!, repo: repo!, project, tag, original };
  }
  throw new ProtoError('plugin.invalid_locator', `Unknown plugin locator "${original}".`, {
    hint: 'Use file://path/to/plugin.wasm, https://…/plugin.wasm or github://owner/repo[@tag].',
  });
}
