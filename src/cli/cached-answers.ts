/**
 * Answers from what is on disk, without the program: `list-remote` with a cached version list,
 * `bin`, `list` and `status`, when the plugin metadata cache knows the plugin. The build bundles
 * this module alone (dist/bundle/cached.cjs, see scripts/bundle-cli.mjs), with the same command
 * functions, session and caches as the program but not commander nor the other ~40 commands: a
 * cached answer then loads a third of the code.
 *
 * It answers only what it is sure of, else it hands over (returns undefined) and the launcher
 * starts the program, which does the whole command again from the start:
 * - the command line must be one this parses exactly as commander does (`CACHED_COMMANDS`, kept
 *   equal to the program's options by a test); anything else (help, an unknown option, a bad
 *   value, `--refresh`) is the program's;
 * - everything the program loads on demand (the plugin host, schema plugins, the network, the
 *   install pipeline: each `import()` in the code) is, in this bundle, a module that records the
 *   hand-over and throws (`handOver` in hand-over.ts). The command code may catch that throw (a
 *   tool whose plugin cannot load is listed without it), so the record, not the throw, decides;
 * - an error is the program's to report (same code, hint, exit status and --json document).
 * Until it knows, nothing is written: results, notes and log lines are held and either written
 * together or dropped, so a hand-over never shows a line twice. Nothing this module sets lives
 * outside its own bundle (its flags, log level and held output are its modules' state, not the
 * program's), so the program starts as if this had not run. What it may have done on disk is
 * what the program does too, on every run: make the store private, drop stale `.protolock`s,
 * refresh a plugin's fingerprint in the metadata cache.
 */
import { isLogEnabled, log, setLogSink } from '../log.js';
import { listRemote } from './commands/list-remote.js';
import { printBin } from './commands/bin.js';
import { list } from './commands/list.js';
import { status } from './commands/status.js';
import { openSession } from './commands/common/open-session.js';
import { CACHED_COMMAND_NAMES, GLOBAL_FLAGS, GLOBAL_OPTIONS_WITH_VALUE } from './command-line.js';
import { applyGlobalOptions, fromEnv, globalFlags, setGlobalFlags, type GlobalOptions } from './global-flags.js';
import { handOverReason } from './hand-over.js';
import { holdInterrupts, releaseInterrupts, wasInterrupted } from './interrupt.js';
import { discardHeldOutput, holdOutput, writeHeldOutput, writeStderr } from './output/stdout.js';
import type { Session } from './session.js';

/** What a command line asks of one cached command, once parsed. */
interface CachedCommandLine {
  args: string[];
  flags: Set<string>;
}

interface CachedCommand {
  name: string;
  aliases: readonly string[];
  /** Its arguments: how many it needs at least, and at most. */
  args: { min: number; max: number };
  /** Its own flags (options without a value) that this answers. */
  flags: readonly string[];
  /** Its options that need the program (the plugin must run): they hand over. */
  programOnly: readonly string[];
  run(session: Session, line: CachedCommandLine): Promise<void>;
}

/** `--json` of the command itself, or of the program (`--json` anywhere, PROTO_JSON). */
const wantsJson = (line: CachedCommandLine) => line.flags.has('--json') || globalFlags().json;

/**
 * The commands answered here, with the options and arguments their commander definitions
 * (commands/*.ts) give them; test/unit/cli/cached-answers.test.ts holds the two equal.
 */
export const CACHED_COMMANDS: readonly CachedCommand[] = [
  {
    name: 'list-remote',
    aliases: CACHED_COMMAND_NAMES['list-remote']!,
    args: { min: 1, max: 1 },
    flags: ['--include-prerelease', '--json'],
    programOnly: ['--refresh'],
    run: (session, line) => listRemote(session, line.args[0]!, { includePrerelease: line.flags.has('--include-prerelease'), json: wantsJson(line) }),
  },
  {
    name: 'bin',
    aliases: CACHED_COMMAND_NAMES['bin']!,
    args: { min: 1, max: 2 },
    flags: ['--shim'],
    programOnly: [],
    run: (session, line) => printBin(session, line.args[0]!, line.args[1], { shim: line.flags.has('--shim') }),
  },
  {
    name: 'list',
    aliases: CACHED_COMMAND_NAMES['list']!,
    args: { min: 0, max: 1 },
    flags: ['--json'],
    programOnly: [],
    run: (session, line) => list(session, line.args[0], { json: wantsJson(line) }),
  },
  {
    name: 'status',
    aliases: CACHED_COMMAND_NAMES['status']!,
    args: { min: 0, max: 0 },
    flags: ['--json'],
    programOnly: [],
    run: (session, line) => status(session, { json: wantsJson(line) }),
  },
];

/** The parsed command line, or undefined when the program must parse it. */
export function parseCachedCommandLine(args: readonly string[]): { command: CachedCommand; line: CachedCommandLine; options: GlobalOptions } | undefined {
  let command: CachedCommand | undefined;
  const line: CachedCommandLine = { args: [], flags: new Set() };
  const options: GlobalOptions = {};
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    const [name, inlineValue] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (GLOBAL_OPTIONS_WITH_VALUE.has(name)) {
      const value = inlineValue ?? args[++index];
      if (value === undefined || (inlineValue === undefined && value.startsWith('-'))) return undefined;
      if (name === '--log') options.log = value;
      else options.configMode = value;
      continue;
    }
    if (inlineValue !== undefined) return undefined;
    if (GLOBAL_FLAGS.has(arg)) {
      if (arg === '--json') line.flags.add(arg);
      else options.yes = true;
      continue;
    }
    if (arg.startsWith('-')) {
      if (!command || !command.flags.includes(arg)) return undefined;
      line.flags.add(arg);
      continue;
    }
    if (!command) {
      command = CACHED_COMMANDS.find((candidate) => candidate.name === arg || candidate.aliases.includes(arg));
      if (!command) return undefined;
      continue;
    }
    line.args.push(arg);
  }
  if (!command || line.args.length < command.args.min || line.args.length > command.args.max) return undefined;
  if (line.flags.has('--json')) options.json = true;
  return { command, line, options };
}

/** Exit status of a command stopped by Ctrl-C or SIGTERM, as the program's (main.ts). */
const INTERRUPTED = 130;

/**
 * Answers `argv` (process.argv) from the caches. Returns the exit status when this process is
 * done: 0 when it answered (everything then written), 130 when Ctrl-C or SIGTERM came meanwhile
 * (nothing written, as the program leaves an interrupted command); undefined when the program
 * must answer (nothing written).
 */
export async function answerFromCaches(argv: readonly string[]): Promise<number | undefined> {
  const parsed = parseCachedCommandLine(argv.slice(2));
  if (!parsed) return undefined;
  const previousSink = setLogSink((line) => writeStderr(`${line}\n`));
  holdOutput();
  holdInterrupts();
  try {
    setGlobalFlags(fromEnv(process.env));
    applyGlobalOptions(parsed.options);
    await openSession({}, (session) => parsed.command.run(session, parsed.line));
    const reason = handOverReason();
    if (reason !== undefined) return handOverNow(reason);
    // A signal that came while the answer was worked out (synchronous reads, mostly) is handled
    // on the next turn of the event loop: give it that turn before anything is written.
    await new Promise((resolve) => setImmediate(resolve));
    if (wasInterrupted()) {
      discardHeldOutput();
      return INTERRUPTED;
    }
    log('trace', 'cli', `${parsed.command.name} answered from the caches (no plugin, no network)`);
  } catch (error) {
    if (wasInterrupted()) {
      discardHeldOutput();
      return INTERRUPTED;
    }
    return handOverNow(handOverReason() ?? `the program reports: ${(error as Error).message}`);
  } finally {
    setLogSink(previousSink);
    releaseInterrupts();
  }
  // Past this point nothing hands over: what is written is the answer.
  writeHeldOutput();
  return 0;
}

/** Drops what was held, says why at `--log trace`, and hands over. */
function handOverNow(reason: string): undefined {
  discardHeldOutput();
  if (isLogEnabled('trace')) log('trace', 'cli', `handing over to the full program: ${reason}`);
  return undefined;
}
