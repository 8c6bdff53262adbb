/**
 * A loaded tool plugin: one WASM module, its mounts, config and host functions, and a typed call
 * for each plugin function.
 *
 * Contracts:
 * - Calls on one container are serialized (a guest instance is not re-entrant; proto holds a lock
 *   the same way). Different containers share a few workers (worker-pool.ts): calls in one worker
 *   run one after another, calls in different workers in parallel.
 * - Every failure is a ProtoError whose message names the plugin id and the function.
 * - A call that runs past `timeoutMs` (counted from when its worker takes it) is stopped (its
 *   worker terminated: the plugins it also hosts move to a fresh one) and reported; the next
 *   call gets a fresh instance. So does a call that trapped or whose host function failed, since
 *   the guest's memory may be half-written.
 * - Ceilings (`limits`, from `[settings.limits]`): the guest's linear memory is capped in the
 *   module itself (memory-cap.ts), a call during which the process grows past the memory ceiling
 *   is stopped (memory-watch.ts), and an output or host-function input above `outputBytes` is
 *   refused before it is decoded.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ProtoError } from '../errors.js';
import { formatBytes } from '../format-bytes.js';
import { LIMITS, limitSetting, MIB, raiseLimitHint } from '../limits.js';
import { log } from '../log.js';
import { poolReadFile } from '../pool-fs.js';
import {
  OUTPUT_READERS,
  VOID_FUNCTIONS,
  WireShapeError,
  type HostEnvironment,
  type PluginFunction,
  type PluginInput,
  type PluginOutput,
} from '../protocol/index.js';
import { instantiate, RuntimeCallError, type RuntimeInstance } from './extism-runtime.js';
import type { HttpGet, HostFunctionContext } from './functions/context.js';
import { createHostFunctions, type ImportFunctions } from './functions/index.js';
import { defaultHttpGet } from './http-get.js';
import type { DetectedHost } from './host-environment.js';
import { describeImportProblems, findUnsatisfiedImports } from './import-check.js';
import { capLinearMemory, WASM_PAGE_BYTES } from './memory-cap.js';
import { compileModule, fileFingerprint, type PluginBytes } from './module-cache.js';
import { watchMemory } from './memory-watch.js';
import { warmUpPluginWorker } from './worker-pool.js';
import { mountMapping, type MountDirs } from './mounts.js';
import { PermissionDeniedError, PermissionGate, PluginPermissions } from './permissions.js';
import { pluginEnvironment } from './plugin-config.js';
import { DEFAULT_CALL_TIMEOUT_MS } from './call-timeout.js';
import { applyStyleTags } from './style-tags.js';
import { ToolPlugin } from './tool-plugin.js';
import type { PathMapping } from './virtual-paths.js';

const NEVER_ABORTED = new AbortController().signal;


/** What one plugin may take, in bytes (defaults: `[settings.limits]` defaults). */
export interface PluginLimits {
  /** Its linear memory, and how much the process may grow during one of its calls. */
  memoryBytes?: number;
  /** One call's output, and one block handed to a host function. */
  outputBytes?: number;
  /** The stdout + stderr of one exec_command. */
  commandOutputBytes?: number;
}

/**
 * The module that `plugin` runs as under `limits`: its linear memory capped first (memory-cap.ts,
 * which throws `plugin.memory_limit` when the module starts above the cap), then compiled; both
 * once per plugin digest and cap in this process (module-cache.ts). `plugin install` compiles its
 * import scan's module here with the limits of the load that checks it, which then finds it.
 * Bytes that are not WebAssembly are `plugin.load_failed`, named by `describe()`.
 */
export async function compilePluginModule(plugin: PluginBytes, limits: PluginLimits | undefined, describe: () => string): Promise<WebAssembly.Module> {
  const maxPages = Math.max(1, Math.floor(resolveLimits(limits).memoryBytes / WASM_PAGE_BYTES));
  try {
    return await compileModule(plugin, `memory pages <= ${maxPages}`, (bytes) => capLinearMemory(bytes, maxPages, describe).bytes);
  } catch (error) {
    if (error instanceof ProtoError) throw error; // the cap's plugin.memory_limit, a read that failed
    throw new ProtoError('plugin.load_failed', `${describe()} is not a valid WebAssembly module: ${(error as Error).message}`, {
      hint: 'The file may be truncated or not a plugin at all; download or build it again.',
    });
  }
}

function resolveLimits(limits: PluginLimits = {}): Required<PluginLimits> {
  return {
    memoryBytes: limits.memoryBytes ?? LIMITS.pluginMemory.default * MIB,
    outputBytes: limits.outputBytes ?? LIMITS.pluginOutput.default * MIB,
    commandOutputBytes: limits.commandOutputBytes ?? LIMITS.commandOutput.default * MIB,
  };
}

export interface PluginLoadOptions {
  /** Plugin (tool) id: `node`, `disttool`. Named in every error. */
  id: string;
  /** A `.wasm` file path, or its bytes. */
  wasm: string | Uint8Array;
  /** Real dirs behind `/proto`, `/userhome`, `/temp`, `/cwd`. */
  dirs: MountDirs;
  /** Overrides of the detected os/arch/libc/ci (tests: pretend to be macOS). */
  host?: Partial<DetectedHost>;
  /** The tool's settings, sent as `proto_tool_config`. */
  toolConfig?: Record<string, unknown>;
  /** Extra config keys (e.g. `test_environment`). */
  config?: Record<string, string>;
  /** Bound of each call, ms (default 90 s). Instantiation has the same bound. */
  timeoutMs?: number;
  /**
   * What the plugin may do (`./permissions.ts`); undefined = unrestricted, as in proto. Decides
   * the mounts too: `/userhome` needs `fs:home`, `/cwd` needs `fs:cwd`.
   */
  permissions?: readonly string[];
  /** Env the plugin reads/writes and commands inherit (default: this process's env). */
  env?: NodeJS.ProcessEnv;
  /** GET used by `send_request` (default: our network module). */
  httpGet?: HttpGet;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** The proto version claimed in contexts (default 0.60.0). */
  protoVersion?: string;
  /** Ceilings of memory, output and command output (default: `[settings.limits]` defaults). */
  limits?: PluginLimits;
}

export class PluginContainer extends ToolPlugin {
  readonly hostEnvironment: HostEnvironment;
  readonly timeoutMs: number;
  readonly permissions: PluginPermissions;
  readonly limits: Required<PluginLimits>;
  private readonly exportNames: ReadonlySet<string>;
  private instance: RuntimeInstance | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private lastHostError: { name: string; error: Error } | undefined;
  /** Aborted (and replaced) each time the instance is thrown away; see HostFunctionContext.signal. */
  private stop = new AbortController();
  private closed = false;

  private constructor(
    options: PluginLoadOptions,
    private readonly module: WebAssembly.Module,
    private readonly functions: ImportFunctions,
    private readonly runtimeConfig: { config: Record<string, string>; allowedPaths: Record<string, string> },
    mapping: PathMapping,
    hostEnvironment: HostEnvironment,
    private readonly gate: PermissionGate,
  ) {
    super(options.id, mapping, options.dirs, options.protoVersion);
    this.permissions = gate.permissions;
    this.hostEnvironment = hostEnvironment;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.limits = resolveLimits(options.limits);
    this.exportNames = new Set(
      WebAssembly.Module.exports(module)
        .filter((entry) => entry.kind === 'function')
        .map((entry) => entry.name),
    );
  }

  /**
   * Compiles (once per distinct module in this process: module-cache.ts) and checks the module;
   * the instance, and the mount dirs it needs, are made on the first call. Throws
   * `plugin.load_failed` (not WASM) or `plugin.incompatible` (imports we lack).
   */
  static async load(options: PluginLoadOptions): Promise<PluginContainer> {
    const { wasm } = options;
    const where = typeof wasm === 'string' ? ` from ${wasm}` : '';
    // Its worker starts on another core meanwhile: the first call needs it (a file that is not
    // there fails below, and starts none).
    if (typeof wasm !== 'string' || fileFingerprint(wasm) !== undefined) warmUpPluginWorker();
    // A file is read only when its module is not compiled in this process yet (module-cache.ts).
    const plugin: PluginBytes =
      typeof wasm === 'string'
        ? {
            path: wasm,
            read: () =>
              poolReadFile(wasm).catch((error: Error) => {
                throw new ProtoError('plugin.load_failed', `Plugin "${options.id}" could not be read${where}: ${error.message}`, {
                  hint: 'Check the plugin locator in .prototools.',
                });
              }),
          }
        : wasm;
    const module = await compilePluginModule(plugin, options.limits, () => `Plugin "${options.id}"${where}`);
    if (!WebAssembly.Module.exports(module).some((entry) => entry.name === 'memory' && entry.kind === 'memory')) {
      throw new ProtoError('plugin.incompatible', `Plugin "${options.id}"${where} exports no memory, so it is not an Extism plugin`);
    }

    const limits = resolveLimits(options.limits);
    const permissions = PluginPermissions.parse(options.permissions, `The permissions of plugin "${options.id}"`);
    const gate = new PermissionGate(options.id, permissions);
    const mounts = mountMapping(options.dirs, { home: permissions.mountsHome, cwd: permissions.mountsCwd });
    const { hostEnvironment, config } = pluginEnvironment({
      pluginId: options.id,
      mapping: mounts.mapping,
      home: options.dirs.home,
      host: options.host,
      toolConfig: options.toolConfig,
      extra: options.config,
    });

    let container: PluginContainer | undefined;
    const ctx: HostFunctionContext = {
      pluginId: options.id,
      gate,
      mapping: mounts.mapping,
      env: options.env ?? process.env,
      cwd: resolve(options.dirs.cwd),
      httpGet: options.httpGet ?? defaultHttpGet,
      stdout: options.stdout ?? process.stdout,
      stderr: options.stderr ?? process.stderr,
      limits: { outputBytes: limits.outputBytes, commandOutputBytes: limits.commandOutputBytes },
      get signal() {
        return container?.stopSignal ?? NEVER_ABORTED;
      },
    };
    const functions = createHostFunctions(ctx, (name, error) => {
      if (container) container.lastHostError = { name, error };
    });
    const problems = findUnsatisfiedImports(module, functions);
    if (problems.length > 0) {
      throw new ProtoError(
        'plugin.incompatible',
        `Plugin "${options.id}"${where} is incompatible: its import ${describeImportProblems(problems)}`,
        { hint: 'Use a plugin release built for proto 0.28 or later (Extism 1.x), or ask its author to rebuild it.' },
      );
    }
    container = new PluginContainer(options, module, functions, { config, allowedPaths: mounts.allowedPaths }, mounts.mapping, hostEnvironment, gate);
    return container;
  }

  /** True when the plugin exports `fn` (proto calls optional functions only then). */
  has(fn: PluginFunction | string): boolean {
    return this.exportNames.has(fn);
  }

  /** Calls `fn` with `input` and returns its output, read leniently (legacy shapes folded in). */
  call<F extends PluginFunction>(fn: F, input: PluginInput<F>): Promise<PluginOutput<F>> {
    return this.serialized(async () => this.checkHandedBack(fn, this.readOutput(fn, await this.invoke(fn, JSON.stringify(input ?? {})))));
  }

  /**
   * URLs a plugin hands back for us to fetch are gated like its own requests, by the host it
   * named (before url-rewrites): a plugin without `net:` for a host cannot have us fetch from it.
   */
  private checkHandedBack<F extends PluginFunction>(fn: F, output: PluginOutput<F>): PluginOutput<F> {
    if (fn !== 'download_prebuilt') return output;
    try {
      this.gate.checkDownloadUrls(output as PluginOutput<'download_prebuilt'>);
    } catch (error) {
      if (error instanceof PermissionDeniedError) throw this.denied(fn, error);
      throw error;
    }
    return output;
  }

  private denied(fn: string, error: PermissionDeniedError): ProtoError {
    return this.fail(fn, error.code, `permission denied: ${error.message}`, error.hint, error);
  }

  /**
   * Calls any export with raw UTF-8 input and returns its raw output: for functions outside the
   * protocol (test probes, future functions). Same bound, errors and serialization as `call`.
   */
  callRaw(fn: string, input: string): Promise<string> {
    return this.serialized(async () => new TextDecoder().decode(await this.invoke(fn, input)));
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async invoke(fn: string, input: string): Promise<Uint8Array> {
    if (this.closed) throw this.fail(fn, 'plugin.closed', 'the plugin was closed');
    if (!this.has(fn)) {
      throw this.fail(fn, 'plugin.missing_function', 'the plugin does not export this function', 'Check has(fn) before calling optional functions.');
    }
    this.lastHostError = undefined;
    const started = performance.now();
    let bytes: Uint8Array;
    try {
      bytes = await this.withTimeout(fn, (startBound) => {
        // Made in its worker with this call: the creation's bound, then the call's, start at
        // `startBound` (see RuntimeInstance.call).
        this.instance ??= this.createInstance();
        return this.instance.call(fn, input, startBound);
      });
    } catch (error) {
      throw await this.explainFailure(fn, error);
    }
    log('trace', `plugin:${this.id}`, `${fn} took ${(performance.now() - started).toFixed(1)} ms (input ${Buffer.byteLength(input)} B, output ${bytes.length} B)`);
    if (bytes.length > this.limits.outputBytes) {
      throw this.fail(
        fn,
        'plugin.output_too_large',
        `it returned ${formatBytes(bytes.length)}, more than the limit of ${formatBytes(this.limits.outputBytes)}`,
        raiseLimitHint('pluginOutput', this.limits.outputBytes / MIB, 'If the plugin really returns this much'),
      );
    }
    return bytes;
  }

  private readOutput<F extends PluginFunction>(fn: F, bytes: Uint8Array): PluginOutput<F> {
    if (VOID_FUNCTIONS.has(fn)) return undefined as PluginOutput<F>;
    const text = new TextDecoder().decode(bytes);
    let value: unknown;
    if (text.trim() !== '') {
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw this.fail(fn, 'plugin.invalid_output', `it returned invalid JSON (${(error as Error).message}): ${text.slice(0, 200)}`, 'This is a bug in the plugin; report it to its author.');
      }
    }
    try {
      return OUTPUT_READERS[fn](value, this.id) as PluginOutput<F>;
    } catch (error) {
      if (error instanceof WireShapeError) {
        throw this.fail(fn, 'plugin.invalid_output', `its output has the wrong shape: ${error.message}`, 'This is a bug in the plugin; report it to its author.');
      }
      throw error;
    }
  }

  private createInstance(): RuntimeInstance {
    // WASI preopens of missing dirs fail: the mounts are made here, when the plugin starts.
    for (const hostDir of Object.values(this.runtimeConfig.allowedPaths)) mkdirSync(hostDir, { recursive: true });
    return instantiate({
      id: this.id,
      module: this.module,
      config: this.runtimeConfig.config,
      allowedPaths: this.runtimeConfig.allowedPaths,
      functions: this.functions,
      logger: this.pluginLogger(),
    });
  }

  private pluginLogger() {
    const target = `plugin:${this.id}`;
    return {
      trace: (message: string) => log('trace', target, message),
      debug: (message: string) => log('debug', target, message),
      log: (message: string) => log('info', target, message),
      info: (message: string) => log('info', target, message),
      warn: (message: string) => log('warn', target, message),
      error: (message: string) => log('error', target, message),
    };
  }

  /**
   * Runs one call within its bounds: its time, and how much the process may grow meanwhile.
   * The time bound runs from each time `work` calls `startBound`: when the pool sends the creation
   * and its call to the worker, then again once the instance is made (either may first queue
   * behind a neighbour, and the call may move to another worker).
   */
  private async withTimeout<T>(fn: string, work: (startBound: () => void) => Promise<T>): Promise<T> {
    let halt!: (error: ProtoError) => void;
    const stopped = new Promise<never>((_, reject) => {
      halt = (error) => {
        // Terminating the worker is the only way to stop a guest that never yields.
        void this.discardInstance();
        reject(error);
      };
    });
    let timer: NodeJS.Timeout | undefined;
    const startBound = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        halt(
          this.fail(fn, 'plugin.timeout', `it ran longer than its bound of ${formatMs(this.timeoutMs)} and was stopped`, `If the plugin is just slow, raise its bound in .prototools: [settings.plugin-timeouts] ${this.id} = <seconds>. Otherwise report the hang to its author.`),
        );
      }, this.timeoutMs);
    };
    const unwatch = watchMemory(this.limits.memoryBytes, (grown) => {
      halt(
        this.fail(
          fn,
          'plugin.memory_limit',
          `proto's memory grew by ${formatBytes(grown)} while it ran, more than the plugin limit of ${formatBytes(this.limits.memoryBytes)}; it was stopped`,
          raiseLimitHint('pluginMemory', this.limits.memoryBytes / MIB, 'If you trust the plugin and it needs more'),
        ),
      );
    });
    try {
      return await Promise.race([work(startBound), stopped]);
    } finally {
      clearTimeout(timer);
      unwatch();
    }
  }

  /** The signal of the current instance's host calls. */
  get stopSignal(): AbortSignal {
    return this.stop.signal;
  }

  private discardInstance(): Promise<void> {
    const instance = this.instance;
    this.instance = undefined;
    this.stop.abort();
    this.stop = new AbortController();
    return instance ? instance.close().catch(() => undefined) : Promise.resolve();
  }

  private async explainFailure(fn: string, error: unknown): Promise<ProtoError> {
    if (error instanceof ProtoError) return error;
    await this.discardInstance();
    const hostError = this.lastHostError;
    if (hostError) {
      // A host function that failed with one of our own errors (offline, a refused URL) knows best what to do.
      if (hostError.error instanceof PermissionDeniedError) return this.denied(fn, hostError.error);
      const hint = hostError.error instanceof ProtoError ? hostError.error.hint : undefined;
      return this.fail(fn, 'plugin.host_function_failed', `host function "${hostError.name}" failed: ${hostError.error.message}`, hint, hostError.error);
    }
    if (error instanceof RuntimeCallError) {
      const { kind, message } = error.failure;
      if (kind === 'guest') return this.fail(fn, 'plugin.call_failed', applyStyleTags(message, false).trim(), undefined, error);
      if (kind === 'trap') {
        return this.fail(
          fn,
          'plugin.trap',
          `the plugin crashed (wasm trap: ${message})`,
          `This is a bug in the plugin; report it to its author. A plugin that runs out of memory ends this way too: plugins may use ${formatBytes(this.limits.memoryBytes)} (${limitSetting('pluginMemory')} in .prototools).`,
          error,
        );
      }
      return this.fail(fn, 'plugin.runtime_error', message, undefined, error);
    }
    return this.fail(fn, 'plugin.runtime_error', error instanceof Error ? error.message : String(error), undefined, error);
  }

  /** Stops the instance; later calls fail with `plugin.closed`. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    await this.discardInstance();
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`;
}
