/**
 * `exec_command(Json<ExecCommandInput>) -> Json<ExecCommandOutput>` (plugin-api §6.1).
 *
 * Trusted: nothing from the guest. The command is either a name looked up on the host PATH or a
 * (virtual) path that must exist; a non-zero exit is returned to the guest, not raised, because
 * plugins check `exit_code` themselves. stdin is never given to the child.
 *
 * The command runs in a process group of its own (process-group.ts): when it exits, when the
 * plugin call is stopped, or when it prints more than `[settings.limits] command-output`, the
 * whole group is ended (SIGTERM, then SIGKILL) and its pipes closed.
 */
import { chmodSync, existsSync, realpathSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { ProtoError } from '../../errors.js';
import { formatBytes } from '../../format-bytes.js';
import { findOnPath } from '../../install/system-tools.js';
import { quoteShellWord } from '../../link/shell-words.js';
import { MIB, raiseLimitHint } from '../../limits.js';
import type { ExecCommandInput, ExecCommandOutput } from '../../protocol/index.js';
import { realPathInsideMounts, toReal, wirePathToReal } from '../virtual-paths.js';
import type { HostFunctionContext } from './context.js';
import { endGroup, spawnInGroup } from './process-group.js';

/**
 * Applies proto's env rules: `NAME?` sets NAME only when the host env lacks it, `NAME!` removes
 * NAME from the child env, anything else overwrites.
 */
export function applyEnvRules(base: NodeJS.ProcessEnv, changes: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...base };
  for (const [key, value] of Object.entries(changes)) {
    if (key.endsWith('?')) {
      const name = key.slice(0, -1);
      if (base[name] === undefined) env[name] = value;
    } else if (key.endsWith('!')) {
      delete env[key.slice(0, -1)];
    } else {
      env[key] = value;
    }
  }
  return env;
}

/** Quotes one word for a POSIX shell. */
function resolveCommand(ctx: HostFunctionContext, input: ExecCommandInput, pathValue: string | undefined): string {
  const command = input.command;
  if (!command) throw new Error('the input has no "command"');
  if (command.includes('/') || command.includes('\\')) {
    const real = toReal(ctx.mapping, command);
    const absolute = isAbsolute(real) ? real : join(ctx.cwd, real);
    if (!existsSync(absolute)) throw new Error(`command "${command}" does not exist (host path ${absolute})`);
    if (input.set_executable) {
      // The one file this host function changes: never one outside the mounts, reached through a
      // symlink that already sits in one (WASI follows those; here we can check).
      const target = realPathInsideMounts(ctx.mapping, absolute);
      if (target === undefined) {
        throw new Error(`command "${command}" resolves to ${realpathSync(absolute)}, outside the directories the plugin may use: it was not made executable`);
      }
      chmodSync(target, statSync(target).mode | 0o111);
    }
    return absolute;
  }
  const found = findOnPath(command, pathValue, ctx.env);
  if (!found) throw new Error(`command "${command}" was not found on PATH`);
  return found;
}

export async function execCommand(ctx: HostFunctionContext, input: ExecCommandInput): Promise<ExecCommandOutput> {
  if (typeof input.command !== 'string' || input.command === '') throw new Error('the input has no "command"');
  // Rust guests send `"shell": null` for none.
  if (input.shell != null && typeof input.shell !== 'string') throw new Error('"shell" must be a string');
  ctx.gate.checkExec(input.command, input.shell ?? undefined);
  const changes = input.env ?? input.env_vars ?? {};
  const env = applyEnvRules(ctx.env, changes);
  if (input.paths && input.paths.length > 0) {
    const extra = input.paths.map((path) => toReal(ctx.mapping, path));
    env.PATH = [...extra, env.PATH ?? ''].filter(Boolean).join(delimiter);
  }
  const exe = resolveCommand(ctx, input, env.PATH);
  const args = input.args ?? [];
  const cwdValue = input.cwd ?? input.working_dir;
  const cwd = cwdValue === undefined ? ctx.cwd : (wirePathToReal(ctx.mapping, cwdValue) ?? ctx.cwd);
  // spawn reports a missing cwd as the command being missing (ENOENT): say what is really wrong.
  if (!existsSync(cwd)) throw new Error(`working directory ${cwd} does not exist (cwd of "${input.command}")`);

  const shell = input.shell ?? ctx.env.PROTO_SHELL;
  const [file, argv] = shell
    ? [shell, ['-c', [exe, ...args].map(quoteShellWord).join(' ')]]
    : [exe, args];
  const stream = input.stream === true || ['all', 'stream'].includes(ctx.env.WARPGATE_DEBUG_COMMAND ?? '');

  // Streaming to our own terminal: hand the child the real stdio, so it sees a TTY (colors, progress).
  const inherit = stream && ctx.stdout === process.stdout && ctx.stderr === process.stderr;
  const child = spawnInGroup(file, argv, { cwd, env, stdio: inherit ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const maxOutput = ctx.limits.commandOutputBytes;
  let captured = 0;
  let failure: Error | undefined;
  const collect = (chunks: Buffer[], target: NodeJS.WritableStream) => (chunk: Buffer) => {
    if (stream) return void target.write(chunk);
    captured += chunk.length;
    if (captured <= maxOutput) return void chunks.push(chunk);
    failure ??= new ProtoError(
      'plugin.command_output_too_large',
      `"${input.command}" printed more than ${formatBytes(maxOutput)}, the limit of a plugin command's output; it was stopped`,
      { hint: raiseLimitHint('commandOutput', maxOutput / MIB, 'If the command really prints this much') },
    );
    stop();
  };
  child.stdout?.on('data', collect(stdout, ctx.stdout));
  child.stderr?.on('data', collect(stderr, ctx.stderr));

  // Ends the whole group and stops reading: whatever it started (`sh -c 'sleep 45'`) goes with it.
  let settle: ((code: number) => void) | undefined;
  function stop(): void {
    void endGroup(child);
    child.stdout?.destroy();
    child.stderr?.destroy();
    settle?.(-1);
  }
  const onStop = () => {
    failure ??= new Error(`"${input.command}" was killed: the plugin call was stopped`);
    stop();
  };
  ctx.signal.addEventListener('abort', onStop, { once: true });
  if (ctx.signal.aborted) onStop();

  let exitCode: number;
  try {
    exitCode = await new Promise<number>((resolve, reject) => {
      settle = resolve;
      child.on('error', (error) => reject(failure ?? new Error(`could not run "${input.command}": ${error.message}`)));
      // The command is done: anything it left running in its group goes too, which also closes
      // the pipes those leftovers hold, so 'close' comes with all of the command's output.
      child.on('exit', () => void endGroup(child));
      // A child killed by a signal has no exit code: proto reports -1.
      child.on('close', (code) => resolve(code ?? -1));
    });
  } finally {
    ctx.signal.removeEventListener('abort', onStop);
  }
  if (failure) throw failure;

  return {
    command: [input.command, ...args].join(' '),
    exit_code: exitCode,
    stderr: stream ? '' : Buffer.concat(stderr).toString('utf8'),
    stdout: stream ? '' : Buffer.concat(stdout).toString('utf8'),
    streamed: stream,
  };
}
