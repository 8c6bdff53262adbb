/**
 * `proto activate <shell>`: prints a hook for the shell's profile that keeps the tools configured
 * for the current directory first on PATH (their executable dirs and globals dirs), with `[env]`
 * applied and `[shell.aliases]` defined, without shims. `--export` prints the statements for the
 * current directory once; the hook evaluates them.
 *
 * Cheap prompts: the statements end with a `_proto_activate_fresh` function (bash, zsh, fish) that
 * re-checks with builtins only that nothing deciding the result changed: the directory, the
 * variables detection reads, every candidate `.prototools` (present or absent), env files and
 * the tools' manifests (an install changes what is active), against a stamp file whose mtime is
 * the newest of theirs. Only when a check fails does the hook start proto again. pwsh, elvish,
 * nu and murex re-activate when the directory changes.
 *
 * Re-activation undoes the previous one: variables it set (`_PROTO_ACTIVATED_ENV`), the PATH
 * entries it added (`_PROTO_ACTIVATED_PATH`) and aliases (`_PROTO_ACTIVATED_ALIASES`).
 */
import type { Command } from 'commander';
import { ProtoError } from '../../errors.js';
import { globalFlags } from '../global-flags.js';
import { writeJson, writeResult } from '../output/write.js';
import type { Session } from '../session.js';
import { openSession } from './common/open-session.js';

interface ActivateOptions {
  export?: boolean;
  json?: boolean;
  shim?: boolean;
  bin?: boolean;
  init?: boolean;
}

const ACTIVATED_ENV = '_PROTO_ACTIVATED_ENV';
const ACTIVATED_PATH = '_PROTO_ACTIVATED_PATH';
const ACTIVATED_ALIASES = '_PROTO_ACTIVATED_ALIASES';

export function registerActivateCommand(program: Command): void {
  program
    .command('activate')
    .description('Print a shell hook that puts the tools configured for each directory first on PATH, with their environment (no shims).')
    .argument('[shell]', 'bash, zsh, fish, pwsh, elvish, nu or murex (default: from $SHELL)')
    .option('--export', 'print the statements for the current directory once, instead of the hook')
    .option('--json', 'with --export: print { env, paths } as JSON instead of shell statements')
    .option('--no-shim', 'do not put ~/.proto/shims on PATH')
    .option('--no-bin', 'do not put ~/.proto/bin on PATH')
    .option('--no-init', 'do not activate at once when the hook is loaded (only at the next prompt)')
    .addHelpText(
      'after',
      `
Examples:
  proto activate bash --export       the statements for this directory, once
  proto activate zsh --no-shim       a hook that leaves ~/.proto/shims off PATH

Add the hook to your shell's profile:
  bash  ~/.bashrc                    eval "$(proto activate bash)"
  zsh   ~/.zshrc                     eval "$(proto activate zsh)"
  fish  ~/.config/fish/config.fish   proto activate fish | source
  pwsh  $PROFILE                     Invoke-Expression (& proto activate pwsh | Out-String)
  elvish ~/.config/elvish/rc.elv     eval (proto activate elvish | slurp)
  nu    config.nu                    proto activate nu | save -f ~/.proto-activate.nu; source ~/.proto-activate.nu
  murex ~/.murex_profile             proto activate murex -> source`,
    )
    .action(async (shellName: string | undefined, options: ActivateOptions) => {
      const { isShellName, SHELL_NAMES } = await import('../shell/shells.js');
      const name = shellName ?? (process.env.SHELL ?? '').split('/').pop() ?? '';
      if (!isShellName(name)) {
        throw new ProtoError('activate.unknown_shell', shellName === undefined ? 'Cannot tell which shell this is from $SHELL.' : `proto cannot activate the shell "${name}".`, {
          hint: `Name one of: ${SHELL_NAMES.join(', ')} (e.g. proto activate bash).`,
        });
      }
      if (!options.export) {
        await printHook(name, options);
        return;
      }
      await openSession({}, (session) => printExports(session, name, options));
    });
}

async function printHook(name: import('../shell/shells.js').ShellName, options: ActivateOptions): Promise<void> {
  const { shellFor } = await import('../shell/shells.js');
  const { defaultLauncher } = await import('../../link/index.js');
  const launcher = defaultLauncher();
  const words = [launcher.node, launcher.cli, 'activate', name, '--export'];
  const mode = globalFlags().configMode;
  if (mode) words.push('--config-mode', mode);
  if (options.shim === false) words.push('--no-shim');
  if (options.bin === false) words.push('--no-bin');
  const shell = shellFor(name);
  writeResult(shell.hook(words.map(shell.quote).join(' '), options.init !== false));
}

async function printExports(session: Session, name: import('../shell/shells.js').ShellName, options: ActivateOptions): Promise<void> {
  const { createHash } = await import('node:crypto');
  const { existsSync, mkdirSync, realpathSync, utimesSync, writeFileSync } = await import('node:fs');
  const { delimiter, join } = await import('node:path');
  const { readDotenv } = await import('../../config/index.js');
  const { toEnvVarName } = await import('../../detect/index.js');
  const { newestMtimeSeconds } = await import('../../link/index.js');
  const { log } = await import('../../log.js');
  const { shellFor } = await import('../shell/shells.js');
  const { configuredTools } = await import('./common/configured-tools.js');
  const { toolInventory } = await import('./common/installed-versions.js');
  const { mergeEnvironments, toolEnvironment } = await import('./common/tool-environment.js');

  const tools = await configuredTools(session);
  const environments = [];
  for (const tool of tools) {
    try {
      const environment = await toolEnvironment(session, tool.id, tool.spec, { optional: true, versionVariable: false });
      if (environment) environments.push(environment);
      else log('debug', 'activate', `${tool.id} ${tool.spec} is not installed: not activated`);
    } catch (error) {
      // One broken plugin must not leave the shell without the others.
      log('warn', 'activate', `${tool.id} not activated: ${(error as Error).message}`);
    }
  }
  const merged = mergeEnvironments(environments);
  // [env] applies even when no tool is installed.
  const env: Record<string, string | false> = {};
  for (const file of session.config.envFiles) Object.assign(env, readDotenv(file));
  Object.assign(env, session.config.env, merged.env);
  if (!session.env.PROTO_HOME) env.PROTO_HOME = session.store.root;

  const paths = [...merged.paths];
  if (options.shim !== false) paths.push(session.store.shimsDir);
  if (options.bin !== false) paths.push(session.store.binDir);

  if (options.json) {
    writeJson({ env, paths });
    return;
  }

  const previous = {
    env: (session.env[ACTIVATED_ENV] ?? '').split(',').filter(Boolean),
    path: (session.env[ACTIVATED_PATH] ?? '').split(delimiter).filter(Boolean),
    aliases: (session.env[ACTIVATED_ALIASES] ?? '').split(',').filter(Boolean),
  };
  const statements: Array<[string, string | null]> = [];
  const setNames = Object.entries(env).filter(([, value]) => value !== false).map(([key]) => key);
  for (const key of previous.env) if (!(key in env)) statements.push([key, null]);
  for (const [key, value] of Object.entries(env)) statements.push([key, value === false ? null : value]);
  if (setNames.length > 0 || previous.env.length > 0) statements.push([ACTIVATED_ENV, setNames.length > 0 ? setNames.join(',') : null]);
  statements.push([ACTIVATED_PATH, paths.join(delimiter)]);

  // The user's PATH without what the previous activation added, then ours in front.
  const rest = [...(session.env.PATH ?? '').split(delimiter).filter(Boolean)];
  for (const entry of previous.path) {
    const index = rest.indexOf(entry);
    if (index !== -1) rest.splice(index, 1);
  }
  const newPath = [...paths, ...rest.filter((entry) => !paths.includes(entry))];

  const aliases = Object.entries(session.config.shell.aliases);
  const aliasStatements: Array<[string, string | null]> = [
    ...previous.aliases.filter((alias) => !Object.hasOwn(session.config.shell.aliases, alias)).map((alias): [string, null] => [alias, null]),
    ...aliases,
  ];
  if (aliases.length > 0 || previous.aliases.length > 0) statements.push([ACTIVATED_ALIASES, aliases.length > 0 ? aliases.map(([alias]) => alias).join(',') : null]);

  // What decided this result, as the shell will see it after these statements ran.
  const after: NodeJS.ProcessEnv = { ...session.env };
  for (const [key, value] of statements) {
    if (value === null) delete after[key];
    else after[key] = value;
  }
  const decidingVars = ['PROTO_HOME', 'PROTO_ENV', 'PROTO_CONFIG_MODE', 'HOME', ...tools.map((tool) => toEnvVarName(tool.id))];
  const candidates = new Set<string>([
    ...session.loaded.files.map((file) => file.path),
    ...session.config.envFiles,
    ...tools.flatMap((tool) => session.config.tools[tool.id]?.envFiles ?? []),
    ...(await Promise.all(tools.map(async (tool) => (await toolInventory(session, tool.id)).inventory.manifestPath))),
  ]);
  const present = [...candidates].filter((file) => existsSync(file));
  const absent = [...candidates].filter((file) => !present.includes(file));
  const pwd = session.env.PWD && safeRealpath(realpathSync, session.env.PWD) === safeRealpath(realpathSync, session.cwd) ? session.env.PWD : session.cwd;
  const stampDir = join(session.store.cacheDir, 'activate');
  const stamp = join(stampDir, `${createHash('sha256').update(`${name}\0${pwd}`).digest('hex').slice(0, 24)}.stamp`);
  const newest = newestMtimeSeconds(present);
  if (newest !== undefined) {
    try {
      mkdirSync(stampDir, { recursive: true });
      writeFileSync(stamp, '');
      utimesSync(stamp, newest, newest);
    } catch (error) {
      // Without a stamp the hook simply asks proto at every prompt.
      log('debug', 'activate', `no stamp written: ${(error as Error).message}`);
    }
  }

  writeResult(
    shellFor(name).exports({
      env: statements,
      path: newPath,
      aliases: aliasStatements,
      freshness: { pwd, vars: Object.fromEntries(decidingVars.map((key) => [key, after[key]])), absent, present, stamp },
    }),
  );
}

function safeRealpath(realpath: (path: string) => string, path: string): string | undefined {
  try {
    return realpath(path);
  } catch {
    return undefined;
  }
}
