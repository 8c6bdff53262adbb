/**
 * The import object our plugins link against: proto's host functions in `extism:host/user`, plus
 * in `extism:host/env` the kernel functions SDK 1.0.3 lacks but plugins built with extism-pdk 1.4
 * import (`get_log_level`, `log_trace`, `http_headers`) and the kernel's HTTP functions, which the
 * SDK's foreground mode leaves out (`./http-request.ts`).
 *
 * Every function is wrapped so that a failure is remembered with its name: the SDK turns a
 * throwing host function into a failed call (and a dead worker), and the container then reports
 * which host function failed and why instead of an anonymous trap.
 */
import { HOST_ENV_NAMESPACE, HOST_USER_NAMESPACE, type ExecCommandInput, type HostLogInput, type SendRequestInput } from '../../protocol/index.js';
import { getLogLevel, log } from '../../log.js';
import type { HostFunctionContext } from './context.js';
import { execCommand } from './exec-command.js';
import { getEnvVar, setEnvVar } from './env-vars.js';
import { hostLog } from './host-log.js';
import { kernelHttpRequest, type KernelHttpRequest } from './http-request.js';
import { readJson as readJsonBlock, readText as readTextBlock, storeBytes, type CallContext } from './memory.js';
import { sendRequest } from './send-request.js';
import { fromVirtualPath, toVirtualPath } from './virtual-path-functions.js';

export type HostFunction = (call: CallContext, ...args: bigint[]) => bigint | number | void | Promise<bigint | number | void>;
export type ImportFunctions = Record<string, Record<string, HostFunction>>;

/** Called with the host function's name and its error, before the error reaches the SDK. */
export type HostErrorListener = (name: string, error: Error) => void;

const LOG_LEVEL_NUMBERS = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 } as const;
/** extism-pdk treats i32::MAX as "logging off". */
const LOG_OFF = 2147483647;

export function createHostFunctions(ctx: HostFunctionContext, onError: HostErrorListener): ImportFunctions {
  // Everything a guest hands us is bounded by `[settings.limits] plugin-output`.
  const readText = (call: CallContext, offset: bigint) => readTextBlock(call, offset, ctx.limits.outputBytes);
  const readJson = (call: CallContext, offset: bigint, what: string) => readJsonBlock(call, offset, what, ctx.limits.outputBytes);
  const guarded =
    (name: string, fn: HostFunction): HostFunction =>
    async (call, ...args) => {
      // The instance this call serves; a later instance has a signal of its own.
      const signal = ctx.signal;
      try {
        const result = await fn(call, ...args);
        // The worker that asked is gone: answering it would leave the SDK waiting forever for a
        // reader, so fail instead (the SDK then drops the call cleanly).
        if (signal.aborted) throw new Error('the plugin call was stopped while this host function ran');
        return result;
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        onError(name, err);
        throw err;
      }
    };

  const user: Record<string, HostFunction> = {
    exec_command: async (call, input) => {
      const output = await execCommand(ctx, readJson(call, input!, 'exec_command') as ExecCommandInput);
      return storeBytes(call, JSON.stringify(output));
    },
    get_env_var: (call, name) => storeBytes(call, getEnvVar(ctx, readText(call, name!))),
    set_env_var: (call, name, value) => {
      setEnvVar(ctx, readText(call, name!), readText(call, value!));
    },
    host_log: (call, input) => {
      hostLog(ctx, readJson(call, input!, 'host_log') as HostLogInput);
    },
    send_request: async (call, input) =>
      storeBytes(call, await sendRequest(ctx, call, readJson(call, input!, 'send_request') as SendRequestInput)),
    from_virtual_path: (call, path) => storeBytes(call, fromVirtualPath(ctx, readText(call, path!))),
    to_virtual_path: (call, path) => storeBytes(call, toVirtualPath(ctx, readText(call, path!))),
  };

  /** The status of this plugin's last kernel http_request, for http_status_code. */
  let lastHttpStatus = 0;
  const kernel: Record<string, HostFunction> = {
    get_log_level: () => {
      const level = getLogLevel();
      // Extism has no level past trace: verbose is trace to a plugin.
      return level === 'off' ? LOG_OFF : LOG_LEVEL_NUMBERS[level === 'verbose' ? 'trace' : level];
    },
    log_trace: (call, message) => {
      log('trace', `plugin:${ctx.pluginId}`, readText(call, message!));
    },
    http_request: async (call, request) => {
      const { status, body } = await kernelHttpRequest(ctx, readJson(call, request!, 'http_request') as KernelHttpRequest);
      lastHttpStatus = status;
      return storeBytes(call, body);
    },
    http_status_code: () => lastHttpStatus,
    // No response headers of the kernel's http_request are kept (as in the SDK); 0 reads as "none".
    http_headers: () => 0n,
  };

  const wrap = (fns: Record<string, HostFunction>) =>
    Object.fromEntries(Object.entries(fns).map(([name, fn]) => [name, guarded(name, fn)]));
  return { [HOST_USER_NAMESPACE]: wrap(user), [HOST_ENV_NAMESPACE]: wrap(kernel) };
}

/**
 * The import names we provide, per namespace: ours plus the SDK's kernel functions. Derived from
 * the import object itself (by default one `createHostFunctions` builds, which only captures its
 * context), so the list cannot drift.
 */
export function providedImports(
  functions: ImportFunctions = createHostFunctions({} as HostFunctionContext, () => undefined),
): Record<string, ReadonlySet<string>> {
  return {
    [HOST_USER_NAMESPACE]: new Set(Object.keys(functions[HOST_USER_NAMESPACE] ?? {})),
    [HOST_ENV_NAMESPACE]: new Set([...SDK_KERNEL_FUNCTIONS, ...Object.keys(functions[HOST_ENV_NAMESPACE] ?? {})]),
  };
}

/** The kernel functions the SDK itself provides (so an import check knows they exist). */
export const SDK_KERNEL_FUNCTIONS = [
  'alloc', 'free', 'load_u8', 'load_u64', 'store_u8', 'store_u64', 'input_offset', 'input_length',
  'input_load_u8', 'input_load_u64', 'output_set', 'error_set', 'config_get', 'var_get', 'var_set',
  'http_request', 'http_status_code', 'length', 'length_unsafe', 'log_warn', 'log_info', 'log_debug', 'log_error',
] as const;
