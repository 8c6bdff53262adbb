/**
 * `proto exec <tool[@spec]>... -- <command>` (alias `x`): runs a command with those tools'
 * directories first on PATH and their environment applied, with no shim in between. A tool
 * without `@spec` uses the version configured here, else its newest installed one;
 * `--tools-from-config` adds every tool configured here. Versions must be installed.
 *
 * The exit code is the command's (128 + n when a signal ended it).
 */
import type { Command } from 'commander';
import { ProtoError } from '../../errors.js';
import { passthroughArgs } from '../passthrough.js';
import type { Session } from '../session.js';
import { openSession } from './common/open-session.js';

interface ExecOptions {
  toolsFromConfig?: boolean;
  shell?: string;
  raw?: boolean;
}

export function registerExecCommand(program: Command): void {
  program
    .command('exec')
    .alias('x')
    .description('Run a command with the given tools first on PATH and their environment applied (no shims).')
    .argument('[tools...]', 'tools to activate, each `id` or `id@spec` (e.g. node@20 npm)')
    .usage('[tools...] [options] -- <command> [args...]')
    .option('--tools-from-config', 'also activate every tool configured in .prototools here')
    .option('--shell <shell>', 'run the command through this shell (sh, bash, zsh, fish): `<shell> -c "<command>"`')
    .option('--raw', 'with --shell, pass the command line as written, without quoting each argument')
    .addHelpText(
      'after',
      '\nExamples:\n  proto exec node@20 -- node --version\n  proto x disttool@1.4 othertool -- make build\n  proto exec --tools-from-config --shell bash -- \'echo $PATH\'',
    )
    .action(async (tools: string[], options: ExecOptions) => {
      const command = passthroughArgs();
      if (command.length === 0) {
        throw new ProtoError('exec.missing_command', 'No command to run: give it after `--`.', {
          hint: 'Example: proto exec node@20 -- node --version',
        });
      }
      process.exitCode = await openSession({}, (session) => execCommand(session, tools, command, options));
    });
}

/** `id@spec` → [id, spec]; a leading `@` belongs to a scoped id (`@scope/tool@1`), not to a spec. */
function splitToolArgument(value: string): [string, string | undefined] {
  const at = value.lastIndexOf('@');
  if (at <= 0 || value.slice(0, at).endsWith(':')) return [value, undefined];
  return [value.slice(0, at), value.slice(at + 1)];
}

async function execCommand(session: Session, toolArgs: string[], command: string[], options: ExecOptions): Promise<number> {
  const { formatSpec, parseSpec } = await import('../../version/index.js');
  const { configuredTools } = await import('./common/configured-tools.js');
  const { installedNewestFirst } = await import('./common/installed-versions.js');
  const { mergeEnvironments, toolEnvironment } = await import('./common/tool-environment.js');
  const { childEnvironment, spawnAndWait } = await import('./run.js');
  const { quoteShellWord } = await import('../../link/index.js');

  const wanted = new Map<string, string | undefined>();
  for (const value of toolArgs) {
    const [id, spec] = splitToolArgument(value);
    wanted.set(id, spec === undefined ? undefined : formatSpec(parseSpec(spec)));
  }
  if (options.toolsFromConfig) {
    for (const tool of await configuredTools(session)) if (!wanted.has(tool.id) || wanted.get(tool.id) === undefined) wanted.set(tool.id, tool.spec);
  }
  const environments = [];
  for (const [id, given] of wanted) {
    const tool = await session.tool(id);
    let spec = given ?? (await session.detect(tool))?.spec;
    if (spec === undefined) {
      const newest = (await installedNewestFirst(tool.inventory))[0];
      if (newest === undefined) {
        throw new ProtoError('exec.not_installed', `No version of ${id} is installed.`, { hint: `Install one with \`proto install ${id}\`.` });
      }
      spec = newest;
    }
    environments.push(await toolEnvironment(session, id, spec));
  }
  const merged = mergeEnvironments(environments.filter((item) => item !== undefined));
  const env = childEnvironment(session.env, merged.env, merged.paths);
  if (options.shell) {
    const line = options.raw ? command.join(' ') : command.map(quoteShellWord).join(' ');
    return spawnAndWait(options.shell, ['-c', line], env);
  }
  return spawnAndWait(command[0]!, command.slice(1), env);
}
