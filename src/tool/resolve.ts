/**
 * Resolves a spec for one tool (plugin-api §5.4): the plugin's `resolve_version` first (it may answer,
 * or hand back a new candidate), then the pure resolver over `load_versions` (through the
 * remote-versions cache), the installed versions and the user's aliases.
 */
import { formatSpec, parseSpec, resolveVersion } from '../version/index.js';
import type { Tool } from './tool.js';

export interface ResolveToolVersionOptions {
  /** `[tools.<id>.aliases]`; they win over the plugin's aliases. */
  userAliases?: Readonly<Record<string, string>>;
  /**
   * `proto run` and shims: a fully qualified version is taken as is, without listing versions
   * (proto's `short_circuit`). `install` validates it against the list.
   */
  shortCircuit?: boolean;
  /** Skip the remote-versions cache read (proto does for `install`). */
  refresh?: boolean;
  /**
   * Whether a requirement or range takes the highest matching INSTALLED version before looking
   * at the remote list (default true: `run`, shims, `bin`). `install` passes false, as proto's
   * install resolves without the manifest: with 18.0.0 installed, `install node 18` gets the
   * newest 18.x.
   */
  preferInstalled?: boolean;
}

/** The resolved version string; throws `version.resolve_failed` naming what was asked and what exists. */
export async function resolveToolVersion(tool: Tool, spec: string, options: ResolveToolVersionOptions = {}): Promise<string> {
  let candidate = parseSpec(spec);
  if (candidate.kind === 'canary') return 'canary';
  if (candidate.kind === 'version' && options.shortCircuit) return formatSpec(candidate);

  if (tool.plugin.has('resolve_version')) {
    const answer = await tool.plugin.resolveVersion({ context: tool.plugin.context(), initial: formatSpec(candidate) });
    if (answer.version) return answer.version;
    if (answer.candidate) candidate = parseSpec(answer.candidate);
    if (candidate.kind === 'canary') return 'canary';
  }

  const installed = await tool.installedVersions();
  const remote = await tool.loadVersions(formatSpec(candidate), { refresh: options.refresh });
  return resolveVersion({
    spec: candidate,
    remote,
    installed,
    preferInstalled: options.preferInstalled,
    userAliases: options.userAliases,
    toolId: tool.id,
  });
}
