/**
 * The messages between `./worker-pool.ts` (main thread) and `./plugin-worker.ts` (a worker that
 * hosts plugins). Imports nothing, so the worker loads only what it needs.
 */
import type { MessagePort } from 'node:worker_threads';

/** `flag[0]` while a host call waits for its answer, and once the answer is on the port. */
export const WAITING = 0;
export const ANSWERED = 1;

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

/** What the main thread asks, one at a time; each is answered by a `done` with its `id`. */
export type WorkerOperation =
  | {
      op: 'create';
      id: number;
      plugin: number;
      module: WebAssembly.Module;
      config: Record<string, string>;
      allowedPaths: Record<string, string>;
      /** The host functions (answered on the main thread), per import namespace. */
      imports: Record<string, string[]>;
    }
  | { op: 'call'; id: number; plugin: number; fn: string; input: string }
  | { op: 'drop'; id: number; plugin: number };

export interface HostCallMessage {
  type: 'host';
  plugin: number;
  namespace: string;
  name: string;
  args: (bigint | number)[];
  /** The live blocks named by i64 arguments: `[index, bytes]`. */
  blocks: [number, Uint8Array][];
  /** The index the first block the host function stores will get. */
  next: number;
}

export type WorkerReport =
  | { type: 'ready' }
  | { type: 'done'; id: number; output?: Uint8Array; error?: { name: string; message: string } }
  | { type: 'log'; plugin: number; level: string; message: string }
  | HostCallMessage;

/** The answer to a host call: its return value and the blocks it stored, in order. */
export interface HostAnswer {
  result?: bigint | number;
  stored: Uint8Array[];
  /** Set when the host function failed: the guest's call fails with this message. */
  error?: string;
}
