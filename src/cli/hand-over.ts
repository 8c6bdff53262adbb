/**
 * The cached answers' hand-over record (see cached-answers.ts): every module the program would
 * load on demand is, in the cached bundle, a call of `handOver` (scripts/bundle-cli.mjs).
 *
 * A module of its own, importing nothing: esbuild runs a module reached through `import()` lazily,
 * and with it everything that module imports. Were the stand-ins to import cached-answers.ts,
 * the whole bundle (about a hundred modules) would be wrapped in lazy initialisers, which costs
 * every cached answer their calls and a larger code cache.
 */

/** Why the program must answer (for `--log trace`), once something asked for it. */
let reason: string | undefined;

/**
 * Records that the program must answer, and throws. The command code may catch the throw (a tool
 * whose plugin cannot load is listed without it): the record, not the error, decides.
 */
export function handOver(why: string): never {
  reason ??= why;
  throw new Error(`needs the full program: ${why}`);
}

/** The first reason given to `handOver`, if any. */
export function handOverReason(): string | undefined {
  return reason;
}
