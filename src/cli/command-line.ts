/**
 * Facts about the command line that the launcher, the program (main.ts) and the cached answers
 * (cached-answers.ts) share, in a module that imports nothing: the launcher bundle reads it on
 * every run.
 */

/** The program's global options without a value (createProgram in main.ts defines them). */
export const GLOBAL_FLAGS: ReadonlySet<string> = new Set(['--json', '-y', '--yes']);

/** The program's global options that take a value in the next argument (or after `=`, long ones). */
export const GLOBAL_OPTIONS_WITH_VALUE: ReadonlySet<string> = new Set(['--log', '-c', '--config-mode']);

/** Commands whose answer is usually on disk, by name, with their aliases (see cached-answers.ts). */
export const CACHED_COMMAND_NAMES: Readonly<Record<string, readonly string[]>> = {
  'list-remote': ['lsr'],
  bin: [],
  list: ['ls'],
  status: [],
};

/**
 * The first argument that is not a global option or its value: the command, or an option the
 * program does not know (undefined when there is none). `args` are the arguments after the
 * program's own two.
 */
export function commandWord(args: readonly string[]): string | undefined {
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (GLOBAL_FLAGS.has(arg)) continue;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) {
      index++;
      continue;
    }
    if (arg.startsWith('--') && arg.includes('=') && GLOBAL_OPTIONS_WITH_VALUE.has(arg.slice(0, arg.indexOf('=')))) continue; // --log=debug
    return arg;
  }
  return undefined;
}

/**
 * The name of the command `args` invoke when the cached answers may answer it (they decide for
 * sure), undefined for any other command.
 */
export function cachedCommand(args: readonly string[]): string | undefined {
  return commandIn(args, CACHED_COMMAND_NAMES);
}

/** The name, in `table` (names and their aliases), of the command `args` invoke; undefined if none. */
function commandIn(args: readonly string[], table: Readonly<Record<string, readonly string[]>>): string | undefined {
  const word = commandWord(args);
  if (word === undefined) return undefined;
  return Object.entries(table).find(([name, aliases]) => name === word || aliases.includes(word))?.[0];
}

/**
 * Commands the program answers that keep a V8 code cache of their own (bin/proto.js, Node 20), by
 * name with their aliases: a cache holds the functions the command that wrote it compiled, and
 * these frequent ones each compile many others (an install compiled ~10 ms of functions a cache
 * written by `plugin search` lacked). The other commands share one cache.
 */
export const OWN_CODE_CACHE_COMMANDS: Readonly<Record<string, readonly string[]>> = {
  install: ['i'],
  uninstall: ['ui'],
  run: ['r'],
  'list-remote': ['lsr'],
  outdated: ['o'],
  plugin: [],
};

/** The name of the program's code cache of the command `args` invoke (undefined: the shared one). */
export function programCodeCache(args: readonly string[]): string | undefined {
  return commandIn(args, OWN_CODE_CACHE_COMMANDS);
}
