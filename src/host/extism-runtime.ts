/**
 * The one seam to the Extism JS SDK: the only module that imports `@extism/extism`, so the SDK
 * version (1.0.3 today, 2.x later) can move in one place.
 *
 * Plugins always run in a worker (`runInWorker`): it is what lets async host functions
 * (`exec_command`, `send_request`) and the kernel's `http_request` work, and what lets us stop a
 * looping guest by terminating the worker — in the foreground a loop would block our event loop.
 */
import createPlugin, { type Plugin } from '@extism/extism';
import type { ImportFunctions } from './functions/index.js';

export interface RuntimeOptions {
  module: WebAssembly.Module;
  config: Record<string, string>;
  /** `{ guestPath: hostPath }` — the SDK's orientation, the reverse of Rust manifests. */
  allowedPaths: Record<string, string>;
  functions: ImportFunctions;
  logger: Pick<Console, 'debug' | 'info' | 'warn' | 'error' | 'trace' | 'log'>;
  /** What the kernel's `http_request` (plugins built before proto 0.40) fetches with. */
  fetch: typeof fetch;
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
  const message = error instanceof Error ? error.message : String((error as { message?: unknown })?.message ?? error);
  if (message.startsWith(GUEST_ERROR_PREFIX)) return { kind: 'guest', message: message.slice(GUEST_ERROR_PREFIX.length) };
  const name = (error as { name?: string })?.name;
  if (name === 'RuntimeError' || TRAP_MESSAGES.test(message)) return { kind: 'trap', message };
  return { kind: 'runtime', message };
}

export interface RuntimeInstance {
  /** Calls an export with UTF-8 input; resolves to the output bytes (empty when none). */
  call(fn: string, input: string): Promise<Uint8Array>;
  /** Frees every memory block of past calls: the SDK keeps them until told. */
  reset(): Promise<void>;
  /** Stops the worker at once, even mid-call. */
  close(): Promise<void>;
}

export async function instantiate(options: RuntimeOptions): Promise<RuntimeInstance> {
  const plugin: Plugin = await createPlugin(
    { wasm: [{ module: options.module }] },
    {
      // SDK 1.0.3 reads config from the options only; a manifest `config` is silently ignored.
      config: options.config,
      useWasi: true,
      runInWorker: true,
      allowedPaths: options.allowedPaths,
      allowedHosts: ['*'],
      functions: options.functions,
      logger: options.logger as Console,
      fetch: options.fetch,
      enableWasiOutput: false,
    },
  );
  return {
    async call(fn, input) {
      try {
        const output = await plugin.call(fn, input);
        return output ? output.bytes() : new Uint8Array();
      } catch (error) {
        throw new RuntimeCallError(classify(error));
      }
    },
    async reset() {
      await plugin.reset();
    },
    async close() {
      await plugin.close();
    },
  };
}
