/**
 * `proto run <id> [spec] [--exe <name>] -- [args…]`: runs a tool at the version that applies here
 * (spec §6.6), passing its exit code through. Shims end up here on their slow path; when it is
 * safe, this command then writes the shim's cache entry so the next run skips Node entirely.
 */
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { toEnvVarName } from '../../detect/env-var-name.js';
import { ProtoError } from '../../errors.js';
import { lazyChildProcess } from '../../lazy-builtins.js';
import { writeShimCacheEntry } from '../../link/shim-cache.js';
import { withPath } from '../../system-errors.js';
import { log } from '../../log.js';
import type { LocateExecutablesOutput } from '../../protocol/index.js';
import type { Tool } from '../../tool/tool.js';
import { passthroughArgs } from '../passthrough.js';
import { releaseInterrupts } from '../interrupt.js';
import { Session } from '../session.js';

interface RunOptions {
  exe?: string;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .alias('r')
    .description('Run a tool at the version detected for the current directory (or the given one).')
    .argument('<id>', 'tool id, e.g. node')
    .argument('[spec]', 'version or range to run instead of the detected one')
    .usage('<id> [spec] [options] [-- args...]')
    .option('--exe <name>', 'run this executable of the tool instead of its primary one (e.g. npx)')
    .addHelpText('after', '\nExamples:\n  proto run node -- --version\n  proto run node 20 -- script.js\n  proto run npm --exe npx -- cowsay hi')
    .action(async (id: string, spec: string | undefined, options: RunOptions) => {
      process.exitCode = await runTool(id, spec, passthroughArgs(), options);
    });
}

async function runTool(id: string, explicitSpec: string | undefined, args: string[], options: RunOptions): Promise<number> {
  const session = await Session.open();
  try {
    const tool = await session.tool(id);
    const detected = explicitSpec === undefined ? await session.detect(tool) : undefined;
    const spec = explicitSpec ?? detected?.spec;
    if (spec === undefined) {
      throw new ProtoError('run.no_version', `No version of ${id} is configured for ${session.cwd}.`, {
        hint: `Pin one with \`proto pin ${id} <version>\`, set ${toEnvVarName(id)}, or pass one: \`proto run ${id} <version>\`.`,
      });
    }
    // A spec the lockfile pins runs the locked version (proto resolves from the lockfile here too).
    const locked = session.lockfiles.lockedVersion(id, spec, { ignoreOsArch: tool.metadata.lock_options?.ignore_os_arch === true });
    const version = locked?.record.version ?? (await session.resolve(tool, spec, { shortCircuit: true }));
    await ensureInstalled(session, tool, version, spec);

    const located = await tool.locate(version);
    const { name: exeName, config: exe, path: exePath } = await chooseExecutable(tool, version, located, options.exe);
    if (!existsSync(exePath)) {
      throw new ProtoError('run.missing_executable', `${id} ${version} has no executable at ${exePath}.`, {
        hint: `Reinstall it with \`proto install ${id} ${version} --force\`.`,
      });
    }
    refuseSelfUpgrade(tool, args);

    const pathPrepend = [dirname(exePath), ...located.exes_dirs.map((dir) => join(tool.productDir(version), dir))];
    // The plugin's pre_run, then the hook plugins' (a veto throws: the tool does not run).
    const hook = await tool.preRun(version, { globalsPrefix: located.globals_prefix ?? null, args });
    const finalArgs = [...args, ...(hook.args ?? [])];
    // Built after pre_run: what the plugin set with set_env_var during the hook is in session.env.
    const env = runEnvironment(session, tool, version, [...(hook.paths ?? []).map((path) => tool.plugin.toReal(path)), ...pathPrepend]);
    Object.assign(env, hook.env ?? {});

    const [command, commandArgs] = exe.parent_exe_name
      ? [exe.parent_exe_name, [...(exe.parent_exe_args ?? []), exePath, ...finalArgs]]
      : [exePath, finalArgs];

    if (explicitSpec === undefined && !(await tool.hasRunHooks()) && !exe.parent_exe_name) {
      await rememberForShim(session, tool, version, exePath, pathPrepend, exeName);
    }
    await tool.inventory.markUsed(version);
    await session.close();
    // The terminal belongs to the tool now: its Ctrl-C is the tool's business (a REPL uses it).
    releaseInterrupts();
    return await spawnAndWait(command, commandArgs, env);
  } finally {
    await session.close();
  }
}

async function ensureInstalled(session: Session, tool: Tool, version: string, spec: string): Promise<void> {
  const installed = (await tool.installedVersions()).includes(version) && existsSync(tool.productDir(version));
  if (installed) return;
  if (!session.config.settings.autoInstall) {
    throw new ProtoError('run.not_installed', `${tool.id} ${version} (from "${spec}") is not installed.`, {
      hint: `Install it with \`proto install ${tool.id} ${version}\`, or enable auto-install ([settings] auto-install = true).`,
    });
  }
  log('info', 'run', `installing ${tool.id} ${version} (auto-install)`);
  const result = await tool.install(version);
  if (result.installed) await tool.postInstall(version);
}

/** `--exe <name>` or the primary executable, made executable if the plugin asks (update_perms). */
async function chooseExecutable(tool: Tool, version: string, located: LocateExecutablesOutput, name: string | undefined) {
  const chosen = await tool.executable(version, name);
  if (!chosen) {
    throw new ProtoError('run.unknown_executable', `${tool.id} has no executable named "${name}".`, {
      hint: `Its executables: ${Object.keys(located.exes).join(', ') || 'none'}.`,
    });
  }
  return chosen;
}

function refuseSelfUpgrade(tool: Tool, args: string[]): void {
  const commandLine = args.join(' ');
  const blocked = (tool.metadata.self_upgrade_commands ?? []).find((command) => commandLine === command || commandLine.startsWith(`${command} `));
  if (blocked) {
    throw new ProtoError('run.self_upgrade', `${tool.id} cannot upgrade itself ("${blocked}") while proto manages it.`, {
      hint: `Install the new version with \`proto install ${tool.id}\` instead.`,
    });
  }
}

/** The tool's environment: ours, then `[env]` and `[tools.<id>.env]` (with env files), then proto's own variables. */
function runEnvironment(session: Session, tool: Tool, version: string, pathPrepend: string[]): NodeJS.ProcessEnv {
  return childEnvironment(session.env, { ...session.toolEnvironment(tool.id).vars, [toEnvVarName(tool.id)]: version }, pathPrepend);
}

/**
 * The environment of a tool proto starts (`run`, `exec`): `base` with `vars` applied (`false`
 * removes a variable) and `pathPrepend` put in front of PATH.
 */
export function childEnvironment(base: NodeJS.ProcessEnv, vars: Readonly<Record<string, string | false>>, pathPrepend: readonly string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const [name, value] of Object.entries(vars)) {
    if (value === false) delete env[name];
    else env[name] = value;
  }
  env.PATH = [...pathPrepend, env.PATH ?? ''].filter(Boolean).join(delimiter);
  return env;
}

/**
 * Writes the shim cache entry when a shim sent us here (`PROTO_SHIM_NAME`, `PROTO_SHIM_PWD`).
 * Everything detection looked at is recorded: every candidate config file and plugin version
 * file in every walked directory (present or absent), the enabled lockfiles, the variables it
 * read, and the tool's manifest and remote-versions cache (a new install or list can change what a range resolves to).
 */
async function rememberForShim(session: Session, tool: Tool, version: string, exe: string, pathPrepend: string[], exeName: string): Promise<void> {
  const shimName = session.env.PROTO_SHIM_NAME;
  const pwd = session.env.PROTO_SHIM_PWD;
  if (!shimName || !pwd || shimName !== exeName) return;
  const versionFiles = tool.plugin.has('detect_version_files')
    ? (await tool.plugin.detectVersionFiles({ context: tool.plugin.context() })).files
    : [];
  const candidates = new Set<string>();
  for (const entry of session.loaded.files) {
    candidates.add(entry.path);
    if (entry.location !== 'global') for (const file of versionFiles) candidates.add(join(entry.dir, file));
  }
  for (const lockfile of session.lockfiles.candidatePaths()) candidates.add(lockfile);
  candidates.add(tool.inventory.manifestPath);
  candidates.add(tool.inventory.remoteVersionsPath());
  // A hook plugin installed later may export pre_run, which the cache would skip.
  candidates.add(session.store.installedPluginsDir);
  const idVar = toEnvVarName(tool.id);
  const decidingVars = [idVar, 'PROTO_ENV', 'PROTO_HOME', 'HOME', 'PROTO_DETECT_STRATEGY', 'PROTO_AUTO_INSTALL'];
  const toolEnv = session.toolEnvironment(tool.id);
  for (const file of toolEnv.files) candidates.add(file);
  const configEnv: Record<string, string> = {};
  const unset: string[] = [];
  for (const [name, value] of Object.entries(toolEnv.vars)) {
    if (value === false) unset.push(name);
    else configEnv[name] = value;
  }
  const files = [...candidates];
  try {
    writeShimCacheEntry(session.store, {
      shimName,
      pwd,
      exe,
      env: Object.fromEntries(decidingVars.map((name) => [name, session.env[name]])),
      presentFiles: files.filter((file) => existsSync(file)),
      absentFiles: files.filter((file) => !existsSync(file)),
      exports: { ...configEnv, [idVar]: version },
      unset,
      pathPrepend,
      usedFile: tool.inventory.lastUsedPath(version),
    });
  } catch (error) {
    // A cache we cannot write only costs speed.
    log('debug', 'run', `shim cache not written: ${(error as Error).message}`);
  }
}

/** Runs the tool with our stdio and resolves to its exit code (128 + n when killed by signal n). */
export function spawnAndWait(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = withPath(command, () => lazyChildProcess().spawn(command, args, { stdio: 'inherit', env }));
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const signal of signals) process.on(signal, forward);
    child.on('error', (error) => reject(new ProtoError('run.spawn_failed', `Could not run ${command}: ${error.message}`)));
    child.on('close', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      resolve(code ?? 128 + (signal ? (osSignals[signal] ?? 1) : 1));
    });
  });
}

const osSignals: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
