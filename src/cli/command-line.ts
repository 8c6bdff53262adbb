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
  const word = commandWord(args);
  if (word === undefined) return undefined;
  return Object.entries(CACHED_COMMAND_NAMES).find(([name, aliases]) => name === word || aliases.includes(word))?.[0];
}
