/**
 * The messages between `./worker-pool.ts` (main thread) and `./plugin-worker.ts` (a worker that
 * hosts plugins). Imports nothing, so the worker loads only what it needs.
 */
import type { MessagePort } from 'node:worker_threads';

/**
 * The host-call flag, `flag[0]`: the worker stores the id of the host call it waits for, then
 * sleeps until the main thread stores `answeredFlag(id)` (the answer is on the port) or
 * `pausedFlag(id)` (the call gives its worker up: see `PausedCall`). Only the worker writes an id and
 * only the main thread writes the other two, for the call the worker waits for, so no
 * compare-and-swap is needed. Ids run from 1 to 2^30 - 1.
 */
export const answeredFlag = (id: number): number => -id;
export const pausedFlag = (id: number): number => id + 0x40000000;
export const nextHostCallId = (id: number): number => (id % 0x3fffffff) + 1;

/** An Extism memory offset holds its block's index in the high 16 bits (SDK 1.0.3's layout). */
export function blockIndex(offset: bigint): number {
  return Number(offset >> 48n);
}

/** Given to each worker at its start (`workerData`). */
export interface WorkerSetup {
  /** An Int32Array's buffer: the host-call flag. */
  flag: SharedArrayBuffer;
  /** Where host answers arrive; read only with `receiveMessageOnPort`. */
  answers: MessagePort;
  /** Run from the TypeScript sources (tests): scripts/register-ts.mjs then loads them. */
  typeScript: boolean;
}

/**
 * What the main thread asks, one at a time; each is answered by a `done` with its `id`. A plugin
 * is created with the call it is made for (`CreateOperation.call`), in one message.
 */
export type WorkerOperation = CreateOperation | CallOperation | { op: 'drop'; id: number; plugin: number };

/**
 * Makes a plugin's instance, then runs `call` in it at once: one message instead of two, and the
 * worker starts the call without waiting for the main thread. Its `done` comes first (the instance
 * is made), then the call's; a creation that fails runs no call and reports only its own `done`.
 */
export interface CreateOperation {
  op: 'create';
  id: number;
  plugin: number;
  module: WebAssembly.Module;
  config: Record<string, string>;
  allowedPaths: Record<string, string>;
  /** The host functions (answered on the main thread), per import namespace. */
  imports: Record<string, string[]>;
  call: CallOperation;
}

export interface CallOperation {
  op: 'call';
  id: number;
  plugin: number;
  fn: string;
  input: string;
  /** The host calls an earlier run of this call made before it paused, answered again in order. */
  replay?: RecordedHostCall[];
  /** The log lines that earlier run sent (`level message`): the same lines, in order, are not sent again. */
  loggedBefore?: string[];
}

export interface HostCallMessage {
  type: 'host';
  /** The id the worker stored in the flag (see `answeredFlag`). */
  id: number;
  plugin: number;
  /** Whether the main thread may have the call give its worker up while this host call waits. */
  pausable: boolean;
  namespace: string;
  name: string;
  args: (bigint | number)[];
  /** The live blocks named by i64 arguments: `[index, bytes]`. */
  blocks: [number, Uint8Array][];
  /** The index the first block the host function stores will get. */
  next: number;
}

/**
 * What the worker reports instead of an output when the main thread had a call give its worker up
 * (`pausedFlag`) while it waited in `call`: the instance is gone; the call runs again from its
 * start, in a new instance, with `record` and then `call`'s answer replayed.
 */
export interface PausedCall {
  call: HostCallMessage;
  /** The host calls answered before, in order. */
  record: RecordedHostCall[];
  /** The log lines the guest sent before (`level message`). */
  logs: string[];
}

/** One answered host call of a run: what was asked, and the answer. */
export interface RecordedHostCall {
  call: Pick<HostCallMessage, 'namespace' | 'name' | 'args' | 'blocks' | 'next'>;
  answer: HostAnswer;
}

/** Whether a guest asks the same as before: a recorded answer may only stand for the same question. */
export function sameHostCall(asked: RecordedHostCall['call'], recorded: RecordedHostCall['call']): boolean {
  return (
    asked.namespace === recorded.namespace &&
    asked.name === recorded.name &&
    asked.next === recorded.next &&
    asked.args.length === recorded.args.length &&
    asked.args.every((arg, i) => arg === recorded.args[i]) &&
    asked.blocks.length === recorded.blocks.length &&
    asked.blocks.every(([index, bytes], i) => index === recorded.blocks[i]![0] && sameBytes(bytes, recorded.blocks[i]![1]))
  );
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export type WorkerReport =
  | { type: 'ready' }
  | { type: 'done'; id: number; output?: Uint8Array; paused?: PausedCall; error?: { name: string; message: string } }
  | { type: 'log'; plugin: number; level: string; message: string }
  | HostCallMessage;

/** The answer to a host call: its return value and the blocks it stored, in order. */
export interface HostAnswer {
  result?: bigint | number;
  stored: Uint8Array[];
  /** Set when the host function failed: the guest's call fails with this message. */
  error?: string;
}
