/**
 * What a shell or a command needs to use a tool without shims (`proto exec`, `proto activate`):
 * the directories to put first on PATH — the primary executable's dir, the plugin's `exes_dirs`,
 * its globals dirs that exist, and what `activate_environment` adds — and the variables: `[env]`,
 * `[tools.<id>.env]` (with env files), what the plugin adds, and `PROTO_<ID>_VERSION`.
 *
 * Only installed versions are used (no network): the spec is resolved against what is installed.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { toEnvVarName } from '../../../detect/index.js';
import { ProtoError } from '../../../errors.js';
import type { Session } from '../../session.js';
import { installedNewestFirst, resolveInstalled } from './installed-versions.js';

export interface ToolEnvironment {
  id: string;
  version: string;
  /** Existing directories, in PATH order. */
  paths: string[];
  /** `false` removes the variable. */
  env: Record<string, string | false>;
}

/**
 * The installed version `spec` stands for, or `exec.not_installed`/undefined (`optional`).
 * `versionVariable: false` leaves out `PROTO_<ID>_VERSION`: an activated shell must not carry it,
 * or it would override detection in the next directory.
 */
export async function toolEnvironment(
  session: Session,
  id: string,
  spec: string,
  options: { optional?: boolean; versionVariable?: boolean } = {},
): Promise<ToolEnvironment | undefined> {
  const tool = await session.tool(id);
  const installed = await installedNewestFirst(tool.inventory);
  const version = await resolveInstalled(session, id, spec, installed, tool.inventory);
  if (version === undefined) {
    if (options.optional) return undefined;
    const listed = installed.length > 0 ? `Installed: ${installed.join(', ')}.` : `No version of ${id} is installed.`;
    throw new ProtoError('exec.not_installed', `${id} ${spec} is not installed. ${listed}`, { hint: `Install it with \`proto install ${id} ${spec}\`.` });
  }
  const productDir = tool.productDir(version);
  const located = await tool.locate(version);
  const paths = [dirname(await tool.primaryExecutable(version)), ...located.exes_dirs.map((dir) => join(productDir, dir))];
  paths.push(...located.globals_lookup_dirs.map((dir) => expandVariables(dir, { ...session.env, PROTO_HOME: session.store.root, TOOL_DIR: productDir })));
  const env: Record<string, string | false> = { ...session.toolEnvironment(id).vars };
  if (tool.plugin.has('activate_environment')) {
    const output = await tool.plugin.call('activate_environment', {
      context: tool.plugin.context({ version, toolDir: productDir }),
      globals_dir: null,
    });
    paths.push(...(output.paths ?? []).map((path) => tool.plugin.toReal(path)));
    Object.assign(env, output.env ?? {});
  }
  if (options.versionVariable !== false) env[toEnvVarName(id)] = version;
  await tool.inventory.markUsed(version);
  return { id, version, paths: [...new Set(paths)].filter((path) => path !== '' && existsSync(path)), env };
}

/** `$NAME` and `${NAME}` from `vars`; a variable that is not set leaves the path unusable (empty). */
function expandVariables(path: string, vars: NodeJS.ProcessEnv): string {
  let missing = false;
  const expanded = path.replace(/\$\{(\w+)\}|\$(\w+)/g, (_match, braced: string | undefined, bare: string | undefined) => {
    const value = vars[(braced ?? bare)!];
    if (value === undefined || value === '') missing = true;
    return value ?? '';
  });
  return missing ? '' : expanded;
}

/** Several tools merged in order: paths of the first tool first, later variables win. */
export function mergeEnvironments(environments: readonly ToolEnvironment[]): { paths: string[]; env: Record<string, string | false> } {
  const paths: string[] = [];
  const env: Record<string, string | false> = {};
  for (const item of environments) {
    for (const path of item.paths) if (!paths.includes(path)) paths.push(path);
    Object.assign(env, item.env);
  }
  return { paths, env };
}
