/**
 * The one seam to the Extism JS SDK: with `./plugin-worker.ts` (which creates the plugins), the
 * only code that imports `@extism/extism`, so the SDK version (1.0.3 today, 2.x later) can move in
 * one place.
 *
 * Plugins always run off the main thread, several to a worker (`./worker-pool.ts`): host
 * functions are async (`exec_command`, `send_request`, the kernel's `http_request`) and are
 * answered on the main thread while the guest waits, and a looping guest is stopped by
 * terminating its worker (in the foreground a loop would block our event loop).
 */
import type { ImportFunctions } from './functions/index.js';
import { hostPlugin, WorkerOperationError } from './worker-pool.js';

export interface RuntimeOptions {
  module: WebAssembly.Module;
  config: Record<string, string>;
  /** `{ guestPath: hostPath }` — the SDK's orientation, the reverse of Rust manifests. */
  allowedPaths: Record<string, string>;
  functions: ImportFunctions;
  logger: Pick<Console, 'debug' | 'info' | 'warn' | 'error' | 'trace' | 'log'>;
  /** Named in logs. */
  id: string;
}

/** Why a call failed, as far as the SDK lets us know. */
export type CallFailure =
  | { kind: 'guest'; message: string } // error_set + non-zero return
  | { kind: 'trap'; message: string } // a wasm trap: unreachable, out of bounds, ...
  | { kind: 'runtime'; message: string }; // anything else the SDK threw

export class RuntimeCallError extends Error {
  constructor(readonly failure: CallFailure) {
    super(failure.message);
    this.name = 'RuntimeCallError';
  }
}

const GUEST_ERROR_PREFIX = 'Plugin-originated error: ';
const TRAP_MESSAGES = /unreachable|out of bounds|divide by zero|integer overflow|call stack|indirect call|null function|invalid conversion|unaligned/i;

function classify(error: unknown): CallFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith(GUEST_ERROR_PREFIX)) return { kind: 'guest', message: message.slice(GUEST_ERROR_PREFIX.length) };
  // A trap is a WebAssembly.RuntimeError in the worker, and keeps that name on its way here.
  const name = error instanceof WorkerOperationError ? error.name : undefined;
  if (name === 'RuntimeError' || TRAP_MESSAGES.test(message)) return { kind: 'trap', message };
  return { kind: 'runtime', message };
}

export interface RuntimeInstance {
  /**
   * Calls an export with UTF-8 input; resolves to the output bytes (empty when none). The first
   * call also makes the instance, in the same message to its worker. `onStart` runs when the call
   * is sent to its worker (it may queue behind a neighbour's call first), and for the first call
   * again once the instance is made: a creation's bound counts from the first, the call's from
   * the second. A creation that fails is thrown as it came (a failed start, not a failed call),
   * and the instance is closed. Every memory block of the call is freed once it returns.
   */
  call(fn: string, input: string, onStart?: () => void): Promise<Uint8Array>;
  /** Stops the instance at once, even mid-call or mid-creation (then its worker is terminated). */
  close(): Promise<void>;
}

/** An instance of the plugin, made in its worker with its first call (nothing is sent before). */
export function instantiate(options: RuntimeOptions): RuntimeInstance {
  const plugin = hostPlugin(options.id, options);
  return {
    async call(fn, input, onStart) {
      try {
        return await plugin.call(fn, input, onStart);
      } catch (error) {
        if (plugin.instances === 0) {
          await plugin.close();
          throw error;
        }
        throw new RuntimeCallError(classify(error));
      }
    },
    close: () => plugin.close(),
  };
}
