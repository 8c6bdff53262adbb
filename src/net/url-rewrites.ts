/**
 * `settings.url-rewrites` (regex → replacement), applied in order to every URL the host fetches:
 * downloads, checksum files and the plugins' `send_request`. Each rule replaces every match, like
 * Rust's `Regex::replace_all` that proto uses.
 */
import type { UrlRewrite } from './net-settings.js';

export function applyUrlRewrites(url: string, rewrites: readonly UrlRewrite[] | undefined): string {
  if (!rewrites) return url;
  let result = url;
  for (const [pattern, replacement] of rewrites) {
    result = result.replace(toGlobalRegExp(pattern), toJsReplacement(replacement));
  }
  return result;
}

function toGlobalRegExp(pattern: RegExp | string): RegExp {
  if (typeof pattern === 'string') return new RegExp(pattern, 'g');
  return pattern.global ? new RegExp(pattern.source, pattern.flags) : new RegExp(pattern.source, `${pattern.flags}g`);
}

/**
 * Rust's regex replacement syntax is `$1`, `${1}`, `$name`, `${name}`; JavaScript's is `$1` and
 * `$<name>`. Config files are written for proto, so translate the Rust forms.
 */
function toJsReplacement(replacement: string): string {
  return replacement.replace(/\$(\$)|\$\{(\w+)\}|\$([A-Za-z_]\w*)/g, (_match, dollar, braced, bare) => {
    if (dollar) return '$$';
    const name = (braced ?? bare) as string;
    return /^\d+$/.test(name) ? `$${name}` : `$<${name}>`;
  });
}
