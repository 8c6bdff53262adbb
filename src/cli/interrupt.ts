/**
 * Ctrl-C (SIGINT) and SIGTERM for commands that change the store: the first one aborts
 * `interruptSignal`, so a download stops, a lock wait ends and the install's cleanup runs (no
 * temp download, staging dir or lock is left behind); the CLI then exits with 130. A second one
 * quits at once, for the case where something does not listen.
 *
 * `proto run` hands the terminal to the tool: it calls `releaseInterrupts()` before starting it,
 * so a tool that uses Ctrl-C itself (a REPL) is not cut short by us.
 */
import { ProtoError } from '../errors.js';

// Made on first use: an AbortController costs a command that never needs one (most cached
// answers) the compile of Node's event-target code.
let controller: AbortController | undefined;

function interruption(): AbortController {
  controller ??= new AbortController();
  return controller;
}

/** Aborted by the first Ctrl-C or SIGTERM while interrupts are held. */
export function interruptSignal(): AbortSignal {
  return interruption().signal;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
let held = false;

function onSignal(signal: NodeJS.Signals): void {
  if (wasInterrupted()) process.exit(130);
  process.stderr.write(`\n${signal === 'SIGINT' ? 'interrupted' : 'terminated'}: cleaning up (press Ctrl-C again to quit now)\n`);
  interruption().abort(new ProtoError('cli.interrupted', `Interrupted by ${signal}.`));
}

/** From now on, SIGINT/SIGTERM abort `interruptSignal` instead of killing the process. */
export function holdInterrupts(): void {
  if (held) return;
  held = true;
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

/** Back to Node's default: a signal ends the process (or whoever else listens handles it). */
export function releaseInterrupts(): void {
  if (!held) return;
  held = false;
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/** True when the command ended because the user interrupted it. */
export function wasInterrupted(): boolean {
  return controller?.signal.aborted === true;
}
