/**
 * The commander program. Each command lives in `commands/<name>.ts` and registers itself here;
 * every error reaches `renderError`, the one place that turns failures into what users read.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { isProtoError } from '../errors.js';
import { LOG_LEVELS, setLogLevel, type LogLevel } from '../log.js';
import { registerCommands } from './commands/index.js';
import { registerRunCommand } from './commands/run.js';
import { splitPassthrough } from './passthrough.js';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function createProgram(): Command {
  const program = new Command('proto')
    .description('Install and switch versions of developer tools (node, go, python, ...) with proto-compatible WASM plugins.')
    .version(packageVersion(), '-V, --version', 'print the version of proto and exit')
    .option('--log <level>', `log level: ${LOG_LEVELS.join(', ')} (or set PROTO_LOG)`)
    .showHelpAfterError('(run `proto --help` for usage)')
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .exitOverride();
  program.hook('preAction', (command) => {
    const level = command.opts<{ log?: string }>().log;
    if (level === undefined) return;
    if (!(LOG_LEVELS as readonly string[]).includes(level)) {
      throw new CommanderError(1, 'proto.invalid_log_level', `error: --log must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
    }
    setLogLevel(level as LogLevel);
  });
  registerCommands(program);
  registerRunCommand(program);
  return program;
}

/** Prints an error for people: what failed, then what to do. Returns the exit code. */
export function renderError(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander printed its own parse errors already; ours (from hooks) it did not.
    if (error.code.startsWith('proto.')) process.stderr.write(`${error.message}\n`);
    return error.exitCode;
  }
  if (isProtoError(error)) {
    process.stderr.write(`error: ${error.message}\n`);
    if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
    return 1;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`internal error (please report it): ${message}\n`);
  return 2;
}

export async function main(argv: string[]): Promise<number> {
  const program = createProgram();
  if (argv.length <= 2) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync(splitPassthrough(argv));
    // Commands that pass a child's exit code through (run) leave it in process.exitCode.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    return renderError(error);
  }
}
