/**
 * The commander program. Each command lives in `commands/<name>.ts` and registers itself here;
 * every error reaches `renderError`, the one place that turns failures into what users read.
 */
import { Command, CommanderError, Option } from 'commander';
import { isProtoError } from '../errors.js';
import { LOG_LEVELS } from '../log.js';
import { registerBinCommand } from './commands/bin.js';
import { registerCommands } from './commands/index.js';
import { registerListRemoteCommand } from './commands/list-remote.js';
import { registerListCommand } from './commands/list.js';
import { registerRunCommand } from './commands/run.js';
import { registerStatusCommand } from './commands/status.js';
import { commandWord } from './command-line.js';
import { applyGlobalOptions, argvWantsJson, fromEnv, globalFlags, setGlobalFlags, type GlobalOptions } from './global-flags.js';
import { helpWidth } from './fast-path.js';
import { formatErrorReport } from './output/format-error.js';
import { packageVersion } from './package-version.js';
import { wasJsonWritten } from './output/write.js';
import { writeStdout } from './output/stdout.js';
import { explainSystemError } from '../system-errors.js';
import { holdInterrupts, releaseInterrupts, wasInterrupted } from './interrupt.js';
import { splitPassthrough } from './passthrough.js';
import { restoreWasmTierUp } from '../wasm-tier-up.js';

export { writeStdoutDirectly } from './output/stdout.js';

/**
 * Commands that work with only themselves registered, by name and alias: the frequent ones whose
 * answer is usually on disk. Registering all ~40 commands (and copying the global options onto
 * each) costs every run a few ms; `main` registers just the invoked one when it is one of these.
 * Commands that look at the others (completions, plugin names checked against command names) are
 * not here, nor is anything asking for help: those get the whole program.
 */
const STANDALONE_COMMANDS: Readonly<Record<string, (program: Command) => void>> = {
  'list-remote': registerListRemoteCommand,
  lsr: registerListRemoteCommand,
  bin: registerBinCommand,
  list: registerListCommand,
  ls: registerListCommand,
  status: registerStatusCommand,
  run: registerRunCommand,
  r: registerRunCommand,
};

/**
 * The standalone command `args` (the arguments after the program's, before any `--`) invoke, or
 * undefined when in any doubt: no command, another command, an option this does not know, help.
 */
export function standaloneCommand(args: readonly string[]): string | undefined {
  if (args.some((arg) => arg === '-h' || arg === '--help')) return undefined;
  const word = commandWord(args);
  return word !== undefined && Object.hasOwn(STANDALONE_COMMANDS, word) ? word : undefined;
}

/** The program; with `only` (a name from `standaloneCommand`), that command is its only one. */
export function createProgram(only?: string): Command {
  const program = new Command('proto')
    .description('Install and switch versions of developer tools (node, go, python, ...) with proto-compatible WASM plugins.')
    .version(packageVersion(), '-V, --version', 'print the version of proto and exit')
    .option('--log <level>', `log level: ${LOG_LEVELS.join(', ')} (or set PROTO_LOG)`)
    .option('--json', 'print results, and errors, as JSON on stdout (or set PROTO_JSON=1)')
    .option('-y, --yes', 'answer yes to every confirmation prompt')
    .option('-c, --config-mode <mode>', 'which .prototools files to read: global, local, upwards, upwards-global (or set PROTO_CONFIG_MODE)')
    .configureHelp({ showGlobalOptions: true })
    // The program's own options end where the command starts, so a command may have an option of
    // the same name (`proto plugin install x --version 1.2.0`); `copyGlobalOptions` keeps the
    // global ones working after the command too.
    .enablePositionalOptions()
    // Parse errors go through renderError like every other error.
    // Help is wrapped at 80 columns (or a narrower terminal's), so that the texts written at build
    // time for the fast path (fast-path.ts) are what the program prints.
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
      outputError: () => undefined,
      getOutHelpWidth: () => helpWidth(process.stdout),
    })
    .exitOverride();
  program.hook('preAction', (_program, action) => {
    applyGlobalOptions(action.optsWithGlobals<GlobalOptions>());
    // The program owns `--json` wherever it is written; commands that document their own `--json`
    // read it from their options, so hand it down.
    if (globalFlags().json && action.options.some((option) => option.attributeName() === 'json')) action.setOptionValue('json', true);
  });
  if (only !== undefined && Object.hasOwn(STANDALONE_COMMANDS, only)) {
    STANDALONE_COMMANDS[only]!(program);
  } else {
    registerCommands(program);
    registerRunCommand(program);
  }
  copyGlobalOptions(program, program);
  return program;
}

/**
 * Gives every command (hidden in its help, which lists them as global options) the program's
 * options but `--version`, unless it has an option of that name itself (`--json` of data commands).
 */
function copyGlobalOptions(program: Command, parent: Command): void {
  const globals = program.options.filter((option) => option.long !== '--version');
  for (const command of parent.commands) {
    const taken = (flag: string | undefined) => flag !== undefined && command.options.some((own) => own.long === flag || own.short === flag);
    for (const option of globals) {
      if (taken(option.long) || taken(option.short)) continue;
      const copy = new Option(option.flags, option.description).hideHelp();
      command.addOption(copy);
    }
    copyGlobalOptions(program, command);
  }
}

/** What an error says to the user, whatever threw it. */
export interface ErrorReport {
  code: string;
  message: string;
  hint?: string;
  exitCode: number;
}

/** commander's `commander.unknownOption` → `cli.unknown_option`. */
function commanderCode(code: string): string {
  return `cli.${code.replace(/^commander\./, '').replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)}`;
}

/**
 * Every failure as a report: ProtoErrors as they are, system errors (errno codes) as the
 * ProtoErrors `explainSystemError` makes of them, commander's parse errors with a `cli.*` code,
 * anything else as an internal error (a bug of ours).
 */
export function describeError(thrown: unknown): ErrorReport {
  const error = explainSystemError(thrown) ?? thrown;
  if (isProtoError(error)) {
    return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}), exitCode: 1 };
  }
  if (error instanceof CommanderError) {
    return {
      code: commanderCode(error.code),
      message: error.message.replace(/^error:\s*/, ''),
      hint: 'Run `proto --help` (or `proto <command> --help`) for usage.',
      exitCode: error.exitCode || 1,
    };
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { code: 'internal', message: `internal error (please report it): ${message}`, exitCode: 2 };
}

/**
 * Prints an error, then returns the exit code. Under `--json` (or PROTO_JSON) the error is a JSON
 * document on stdout, `{"error":{"code","message","hint"}}`, so a script reading stdout always
 * gets JSON; people still get the plain lines on stderr.
 */
export function renderError(error: unknown, options: { json?: boolean } = {}): number {
  // Help and version are "errors" only to commander's exit override.
  if (error instanceof CommanderError && ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code)) {
    return error.exitCode;
  }
  const report = describeError(error);
  if ((options.json ?? globalFlags().json) && !wasJsonWritten()) {
    const { code, message, hint } = report;
    writeStdout(`${JSON.stringify({ error: { code, message, hint: hint ?? null } }, null, 2)}\n`);
  }
  process.stderr.write(formatErrorReport(report));
  return report.exitCode;
}

export async function main(argv: string[]): Promise<number> {
  // The arguments before `--` (what follows is kept for the command: passthroughArgs()).
  const ours = splitPassthrough(argv);
  let program: Command;
  try {
    setGlobalFlags(fromEnv(process.env));
    program = createProgram(standaloneCommand(ours.slice(2)));
  } catch (error) {
    return renderError(error, { json: argvWantsJson(argv) });
  }
  if (argv.length <= 2) {
    program.outputHelp();
    return 0;
  }
  holdInterrupts();
  try {
    await program.parseAsync(ours);
    // Commands that pass a child's exit code through (run) leave it in process.exitCode.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    // Ctrl-C: the command stopped and cleaned up; whatever it threw on the way is no news.
    if (wasInterrupted()) return 130;
    return renderError(error, { json: globalFlags().json || argvWantsJson(ours) });
  } finally {
    releaseInterrupts();
    // Before bin/proto.js writes the program's code cache, which V8 takes only under the same flags.
    restoreWasmTierUp();
  }
}
