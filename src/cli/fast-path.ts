/**
 * Answers that need no program: `proto --version`, and help (`proto`, `proto --help`,
 * `proto help [command]`, `proto <command…> --help`) read from `help.json`, which the build
 * writes next to this module from the real program (`scripts/generate-help.mjs` calls
 * `collectHelpTexts`). Building the program loads every command; these answers then cost about
 * what starting Node costs.
 *
 * Anything else, or any doubt (other arguments, a terminal narrower than the texts, a help file
 * older than the compiled program), returns undefined and the real program answers.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { moduleDir } from '../module-dir.js';
import { stdoutIsPipeOrFile, writeThroughFd } from './output/stdout.js';
import { packageVersion } from './package-version.js';

/** Help is wrapped at this width, or at the terminal's when it is narrower (see `helpWidth`). */
export const HELP_WIDTH = 80;

/** The file the build writes (`dist/cli/help.json`) and the fast path reads. */
export const HELP_FILE_NAME = 'help.json';

export interface HelpTexts {
  /** The width the texts were wrapped at. */
  width: number;
  /** Each command's help by its path: `""` is the program's, `"plugin install"` a subcommand's. */
  texts: Record<string, string>;
  /** Alias → name, per parent path: `{ "": { "lsr": "list-remote" } }`. */
  aliases: Record<string, Record<string, string>>;
}

/** The width help is wrapped at on `stream`: ours, or a narrower terminal's. */
export function helpWidth(stream: { isTTY?: boolean; columns?: number }): number {
  return stream.isTTY && stream.columns !== undefined && stream.columns > 0 ? Math.min(stream.columns, HELP_WIDTH) : HELP_WIDTH;
}

/** Ways of asking for help that commander answers with a command's help on stdout, exit 0. */
const HELP_FLAGS = new Set(['--help', '-h']);

/**
 * The command path whose help `args` ask for, or undefined when they ask for something else.
 * `[]`, `['--help']`, `['help']` → `[]`; `['install', '--help']`, `['help', 'install']` →
 * `['install']`; `['plugin', 'install', '-h']` → `['plugin', 'install']`.
 */
export function helpRequest(args: readonly string[]): string[] | undefined {
  if (args.length === 0) return [];
  if (args[0] === 'help') {
    // commander's help command names one command of the program.
    if (args.length === 1) return [];
    return args.length === 2 && !args[1]!.startsWith('-') ? [args[1]!] : undefined;
  }
  const last = args[args.length - 1]!;
  if (!HELP_FLAGS.has(last)) return undefined;
  const words = args.slice(0, -1);
  return words.every((word) => /^[a-z][a-z0-9-]*$/.test(word)) ? words : undefined;
}

/** The stored help of a command path, following aliases; undefined for an unknown command. */
export function storedHelp(help: HelpTexts, path: readonly string[]): string | undefined {
  const resolved: string[] = [];
  for (const word of path) {
    const parent = resolved.join(' ');
    const name = help.aliases[parent]?.[word] ?? word;
    resolved.push(name);
    if (help.texts[resolved.join(' ')] === undefined) return undefined;
  }
  return help.texts[resolved.join(' ')];
}

/** What to print for `args`, or undefined when the program must answer. */
export function fastAnswer(
  args: readonly string[],
  stdout: { isTTY?: boolean; columns?: number },
  readHelp: () => HelpTexts | undefined = readBuiltHelp,
): string | undefined {
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) return `${packageVersion()}\n`;
  const path = helpRequest(args);
  if (path === undefined) return undefined;
  const help = readHelp();
  if (!help || help.width !== helpWidth(stdout)) return undefined;
  return storedHelp(help, path);
}

/**
 * `help.json` next to this module, if the build wrote it after compiling the program: one
 * compiled by a bare `tsc` since would make it describe an older program.
 */
function readBuiltHelp(): HelpTexts | undefined {
  const file = join(moduleDir(import.meta.dirname, import.meta.url), HELP_FILE_NAME);
  try {
    if (statSync(file).mtimeMs < statSync(join(moduleDir(import.meta.dirname, import.meta.url), 'main.js')).mtimeMs) return undefined;
    return JSON.parse(readFileSync(file, 'utf8')) as HelpTexts;
  } catch {
    return undefined;
  }
}

/**
 * Writes a fast answer. `process.stdout` is a stream Node builds on first use (for a pipe, a
 * net.Socket and the stream modules behind it), so a pipe or a file is written with write(2)
 * directly (see output/stdout.ts). A terminal, whose width the help depends on, or anything else,
 * gets process.stdout as usual.
 */
export function writeFastAnswer(args: readonly string[]): boolean {
  const plain = stdoutIsPipeOrFile();
  const answer = fastAnswer(args, plain ? { isTTY: false } : process.stdout);
  if (answer === undefined) return false;
  if (plain) writeThroughFd(answer);
  else process.stdout.write(answer);
  return true;
}
