/**
 * Plugins share a few worker threads (`./plugin-worker.ts`) instead of starting one each: a worker
 * costs ~35 ms of CPU to start, the plugin in it a few ms. `proto install` of ten tools starts
 * one worker, not ten.
 *
 * Contracts:
 * - A pool has up to `maxWorkers` slots (one per core), started lazily. A plugin goes to the
 *   fullest slot with room; a new slot is opened when every slot hosts `PLUGINS_PER_WORKER`.
 * - A slot runs one operation (create, call) at a time, in the order asked: the calls of
 *   different plugins in one worker run one after another (one JS thread per worker). A call
 *   blocked in a host function (the network, a command) holds its worker, never the main thread:
 *   host functions are answered here while their worker waits, and nothing here waits for a call
 *   to finish before answering one, so a host call cannot deadlock with another plugin's call.
 * - `onStart` of an operation runs when it is sent to a running worker: a plugin's time bound
 *   counts from then, not from when it queued behind a neighbour or waited for a worker to start
 *   (a start has its own bound, `WORKER_START_TIMEOUT_MS`).
 * - A call that holds its worker past `STALLED_MS` (a host function running a command, a slow
 *   download of metadata) does not hold up its neighbours: the plugins queued behind it move to a
 *   worker that is free (started for them if none is, beyond the one-per-core count: a waiting
 *   worker uses no CPU), and are created again there.
 * - Stopping a plugin mid-call (its bound, its memory ceiling, close) terminates ITS worker: the
 *   only way to stop a guest that never yields. The other plugins of that worker are created
 *   again in a fresh worker when they next run, and their queued operations are sent there.
 *   Their guest state (wasm globals, Extism vars) starts afresh, as after any failed call.
 * - A worker is unref'd while it has nothing to do, so an idle worker never keeps the process
 *   alive, and it is terminated one second after its last plugin closed (unless another came).
 */
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { MessageChannel, SHARE_ENV, Worker, type MessagePort } from 'node:worker_threads';
import { log } from '../log.js';
import type { ImportFunctions } from './functions/index.js';
import { HostCallContext } from './host-call-context.js';
import { ANSWERED, type HostAnswer, type HostCallMessage, type WorkerOperation, type WorkerReport, type WorkerSetup } from './worker-protocol.js';

/**
 * How many plugins a worker takes before the pool opens another (when it may). Plugin calls are
 * short and the main thread does the installs, so one worker serves a whole `proto install`: a
 * second one cost ~90 ms more CPU for ten tools and no wall time (bench/install-many.ts). Calls
 * that hold their worker longer move their neighbours out (`STALLED_MS`).
 */
const PLUGINS_PER_WORKER = 16;
/** How long a worker whose plugins all closed waits for another (it never keeps the process alive). */
const IDLE_WORKER_MS = 1000;
/**
 * How long a call may hold its worker before the plugins queued behind it move to another worker
 * (a host function waiting for a command or the network, a long computation).
 */
const STALLED_MS = 250;
let stalledMs = STALLED_MS;

/**
 * Sets how long a call may hold its worker before its neighbours move, and returns the function
 * that puts it back. Only tests call it: to show that a queued call's wait is not counted against
 * its bound, the wait must be longer than the bound, and on a loaded machine a plugin's creation
 * and first call need more than 250 ms of room.
 */
export function setStalledMs(ms: number): () => void {
  const previous = stalledMs;
  stalledMs = ms;
  return () => {
    stalledMs = previous;
  };
}
/** How long a worker may take to start (Node's isolate, the SDK): seconds even on a loaded machine. */
const WORKER_START_TIMEOUT_MS = 60_000;

/**
 * Defined by scripts/bundle-cli.mjs (esbuild's `define`) in the program's bundle: its worker
 * bundle, relative to this module's place in dist/. Undefined anywhere else.
 */
declare const PROTO_PLUGIN_WORKER_BUNDLE: string | undefined;

/**
 * The one place that picks the file a plugin worker runs:
 * - the program's bundle: the worker bundle (dist/bundle/plugin-worker.cjs). esbuild folds the
 *   test below to true and drops the rest, so the built program never reads the environment here;
 * - the modules in dist/ (a bare `tsc` since the bundles were made): ./plugin-worker.js;
 * - the sources (tests, benches): the bundle of plugin-worker.ts that PROTO_TEST_PLUGIN_WORKER
 *   names (`npm test` makes it, scripts/run-tests.mjs), else plugin-worker.ts itself through the
 *   TypeScript hooks (~0.06 s more CPU per worker).
 */
function pluginWorkerFile(): { url: URL; typeScript: boolean } {
  if (typeof PROTO_PLUGIN_WORKER_BUNDLE === 'string') return { url: new URL(PROTO_PLUGIN_WORKER_BUNDLE, import.meta.url), typeScript: false };
  if (!import.meta.url.endsWith('.ts')) return { url: new URL('./plugin-worker.js', import.meta.url), typeScript: false };
  const testBundle = process.env.PROTO_TEST_PLUGIN_WORKER;
  if (testBundle) return { url: pathToFileURL(testBundle), typeScript: false };
  return { url: new URL('./plugin-worker.ts', import.meta.url), typeScript: true };
}
const WORKER_FILE = pluginWorkerFile();

type Logger = Pick<Console, 'debug' | 'info' | 'warn' | 'error' | 'trace' | 'log'>;

export interface PooledPluginOptions {
  module: WebAssembly.Module;
  config: Record<string, string>;
  allowedPaths: Record<string, string>;
  functions: ImportFunctions;
  logger: Logger;
}

/** How an operation failed inside the worker: the error's name and message, as thrown there. */
export class WorkerOperationError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

let workerStarts = 0;
let workersRunning = 0;
/** Workers started by this process so far, and running now (tests count them). */
export function pluginWorkerCounts(): { started: number; running: number } {
  return { started: workerStarts, running: workersRunning };
}

type OperationRequest = { onStart?: () => void } & ({ op: 'create' } | { op: 'call'; fn: string; input: string });
type Operation = OperationRequest & {
  plugin: PooledPlugin;
  resolve: (output: Uint8Array | undefined) => void;
  reject: (error: Error) => void;
};

let nextId = 1;

/** One running worker thread. */
class WorkerThread {
  readonly number = ++workerStarts;
  private readonly worker: Worker;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly answers: MessagePort;
  private readonly pending = new Map<number, { resolve: (output?: Uint8Array) => void; reject: (error: Error) => void }>();
  /** The plugins created in this thread. */
  readonly hosts = new Set<PooledPlugin>();
  private dead = false;
  readonly ready: Promise<void>;
  private failStart: (error: Error) => void = () => undefined;

  constructor(
    private readonly pool: WorkerPool,
    onExit: () => void,
  ) {
    const started = performance.now();
    const { port1, port2 } = new MessageChannel();
    this.answers = port1;
    const setup: WorkerSetup = { flag: this.flag.buffer as SharedArrayBuffer, answers: port2, typeScript: WORKER_FILE.typeScript };
    // SHARE_ENV: the guests see no environment (WASI gets none), so copying it would be wasted.
    this.worker = new Worker(WORKER_FILE.url, { workerData: setup, transferList: [port2], env: SHARE_ENV });
    runWhileStarting();
    this.ready = new Promise((resolve, reject) => {
      // A worker that dies before it is ready fails its start (a no-op once started).
      this.failStart = reject;
      this.worker.once('message', (message: WorkerReport) => {
        if (message.type !== 'ready') return reject(new Error(`the plugin worker sent ${message.type} before it was ready`));
        log('trace', 'plugin-worker', `worker ${this.number} started in ${(performance.now() - started).toFixed(1)} ms (${WORKER_FILE.url.pathname.split('/').pop()})`);
        this.worker.on('message', (report: WorkerReport) => this.receive(report));
        // Ref'd while it starts (someone waits for it), then only while an operation runs.
        if (this.pending.size === 0) this.worker.unref();
        resolve();
      });
    });
    this.worker.on('error', (error) => this.stop(error));
    workersRunning++;
    this.worker.on('exit', (code) => {
      workersRunning--;
      this.stop(new Error(`the plugin worker stopped (exit code ${code})`));
      onExit();
    });
    // A start is bounded too (a plugin's own bound counts from when its worker takes its call).
    const startTimer = setTimeout(() => this.stop(new Error(`the plugin worker did not start within ${WORKER_START_TIMEOUT_MS / 1000} s`)), WORKER_START_TIMEOUT_MS);
    const startEnded = () => clearTimeout(startTimer);
    this.ready.then(startEnded, startEnded);
  }

  /** Sends one operation; resolves with its output when the worker says it is done. */
  send(operation: WorkerOperation): Promise<Uint8Array | undefined> {
    if (this.dead) return Promise.reject(new Error('the plugin worker was stopped'));
    return new Promise((resolve, reject) => {
      this.pending.set(operation.id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage(operation);
    });
  }

  private receive(report: WorkerReport): void {
    switch (report.type) {
      case 'done': {
        const waiting = this.pending.get(report.id);
        this.pending.delete(report.id);
        if (this.pending.size === 0) this.worker.unref();
        if (report.error) waiting?.reject(new WorkerOperationError(report.error.name, report.error.message));
        else waiting?.resolve(report.output);
        return;
      }
      case 'host':
        void this.answer(report);
        return;
      case 'log': {
        const logger = this.pool.plugin(report.plugin)?.options.logger;
        const write = logger?.[report.level as keyof Logger] as ((message: string) => void) | undefined;
        write?.call(logger, report.message);
        return;
      }
    }
  }

  /** Runs a host function for the worker, which waits until the flag says the answer is there. */
  private async answer(call: HostCallMessage): Promise<void> {
    const context = new HostCallContext(call.blocks, call.next);
    let answer: HostAnswer;
    try {
      const fn = this.pool.plugin(call.plugin)?.options.functions[call.namespace]?.[call.name];
      if (!fn) throw new Error(`host function "${call.namespace}" "${call.name}" does not exist`);
      const result = await fn(context, ...(call.args as bigint[]));
      answer = { result: result ?? undefined, stored: context.stored };
    } catch (error) {
      answer = { error: error instanceof Error ? error.message : String(error), stored: [] };
    }
    // A worker stopped meanwhile waits for nothing.
    if (this.dead) return;
    this.answers.postMessage(answer, answer.stored.map((bytes) => bytes.buffer as ArrayBuffer));
    Atomics.store(this.flag, 0, ANSWERED);
    Atomics.notify(this.flag, 0);
  }

  /** Ends the thread, even mid-call; every operation waiting on it fails. */
  stop(reason = new Error('the plugin worker was stopped')): void {
    if (this.dead) return;
    this.dead = true;
    void this.worker.terminate();
    this.answers.close();
    this.failStart(reason);
    for (const waiting of this.pending.values()) waiting.reject(reason);
    this.pending.clear();
  }

  get stopped(): boolean {
    return this.dead;
  }
}

/** One place in the pool: its plugins, its queue of operations, and the thread that runs them. */
class WorkerSlot {
  readonly plugins = new Set<PooledPlugin>();
  private readonly queue: Operation[] = [];
  private current: Operation | undefined;
  private thread: WorkerThread | undefined;
  private running = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  /** The running call has held the worker past `STALLED_MS`. */
  stalled = false;

  constructor(private readonly pool: WorkerPool) {}

  /** Takes a plugin in. */
  adopt(plugin: PooledPlugin): void {
    this.plugins.add(plugin);
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  enqueue(operation: Operation): void {
    this.queue.push(operation);
    if (this.stalled) this.relieve();
    void this.run();
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let operation = this.queue.shift(); operation; operation = this.queue.shift()) {
        this.current = operation;
        try {
          operation.resolve(await this.perform(operation));
        } catch (error) {
          operation.reject(error as Error);
        }
        clearTimeout(this.stallTimer);
        this.stalled = false;
        this.current = undefined;
      }
    } finally {
      this.running = false;
    }
    this.retireWhenEmpty();
  }

  private async perform(operation: Operation): Promise<Uint8Array | undefined> {
    const { plugin } = operation;
    const thread = await this.liveThread();
    // The plugin's own time starts now: not while it queued, nor while a worker started.
    operation.onStart?.();
    this.stallTimer = setTimeout(() => {
      this.stalled = true;
      this.relieve();
    }, stalledMs).unref();
    if (!thread.hosts.has(plugin)) {
      // First run, or its worker was replaced since (a neighbour was stopped): create it here.
      const { module, config, allowedPaths, functions } = plugin.options;
      const imports = Object.fromEntries(Object.entries(functions).map(([namespace, fns]) => [namespace, Object.keys(fns)]));
      const started = performance.now();
      await thread.send({ op: 'create', id: nextId++, plugin: plugin.key, module, config, allowedPaths, imports });
      thread.hosts.add(plugin);
      // Said once per plugin: tests count "started in" (a tool's plugin starts once per command).
      // An instance made again after a move or a stopped neighbour says so in other words.
      const took = `${(performance.now() - started).toFixed(1)} ms in plugin worker ${thread.number}`;
      log('trace', `plugin:${plugin.id}`, plugin.instances++ === 0 ? `started in ${took}` : `made again in ${took} (its previous worker was busy or stopped)`);
    }
    if (operation.op === 'create') return undefined;
    return thread.send({ op: 'call', id: nextId++, plugin: plugin.key, fn: operation.fn, input: operation.input });
  }

  /** Moves the plugins waiting behind the running call to another worker. */
  private relieve(): void {
    const holder = this.current?.plugin;
    const waiting = new Set(this.queue.filter((queued) => queued.plugin !== holder).map((queued) => queued.plugin));
    if (waiting.size === 0) return;
    const target = this.pool.slotForMovedPlugins(this, waiting.size);
    for (const plugin of waiting) {
      const operations = this.queue.filter((queued) => queued.plugin === plugin);
      this.queue.splice(0, this.queue.length, ...this.queue.filter((queued) => queued.plugin !== plugin));
      this.plugins.delete(plugin);
      this.dropInstance(plugin);
      log('trace', `plugin:${plugin.id}`, 'moves to another plugin worker: a call of another plugin holds its worker');
      plugin.slot = target;
      target.adopt(plugin);
      for (const operation of operations) target.enqueue(operation);
    }
  }

  /** Ends the plugin's instance in this worker, if it has one, once the running call returns (the worker takes it next). */
  private dropInstance(plugin: PooledPlugin): void {
    if (!this.thread?.hosts.has(plugin)) return;
    this.thread.hosts.delete(plugin);
    void this.thread.send({ op: 'drop', id: nextId++, plugin: plugin.key }).catch(() => undefined);
  }

  /**
   * Starts the thread if it is not running (without waiting for it). A plugin is loaded meanwhile
   * and taken in before its first call; one that never comes (it failed to load) leaves the worker
   * idle, to end like any other.
   */
  warmUp(): void {
    this.liveThread().then(
      () => this.retireWhenEmpty(),
      () => undefined,
    );
  }

  private async liveThread(): Promise<WorkerThread> {
    if (!this.thread || this.thread.stopped) {
      const thread = new WorkerThread(this.pool, () => {
        if (this.thread === thread) this.thread = undefined;
      });
      this.thread = thread;
    }
    await this.thread.ready;
    return this.thread;
  }

  /**
   * Takes a plugin out: its queued operations fail, and its instance is dropped from the worker,
   * or, when it is running right now, the worker is terminated (its neighbours move on). It never
   * waits behind a neighbour's call: the drop is sent at once and the worker takes it after the
   * call it runs (a failed call, a close, returns while a neighbour's download holds the worker).
   */
  remove(plugin: PooledPlugin, reason: () => Error): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const queued = this.queue[i]!;
      if (queued.plugin === plugin) {
        this.queue.splice(i, 1);
        queued.reject(reason());
      }
    }
    if (this.current?.plugin === plugin) {
      this.thread?.stop();
    } else {
      this.dropInstance(plugin);
    }
    this.plugins.delete(plugin);
    this.retireWhenEmpty();
  }

  /**
   * A slot left without plugins keeps its (unref'd) worker for `IDLE_WORKER_MS`, for a plugin
   * loaded right after (a session that closes one plugin and opens another, a test file), then
   * ends it.
   */
  private retireWhenEmpty(): void {
    if (!this.idle || this.idleTimer) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (!this.idle) return;
      this.thread?.stop();
      this.thread = undefined;
      this.pool.retire(this);
    }, IDLE_WORKER_MS).unref();
  }

  private get idle(): boolean {
    return this.plugins.size === 0 && this.queue.length === 0 && !this.running;
  }
}

/** A plugin hosted by the pool: what `instantiate` hands the container. */
export class PooledPlugin {
  private closed = false;
  /** Instances made so far: more than one when it moved to another worker or its worker was replaced. */
  instances = 0;

  constructor(
    readonly key: number,
    readonly id: string,
    readonly options: PooledPluginOptions,
    /** Where it runs (it moves when a neighbour's call holds the worker: WorkerSlot.relieve). */
    public slot: WorkerSlot,
  ) {}

  private run(operation: OperationRequest): Promise<Uint8Array | undefined> {
    if (this.closed) return Promise.reject(new Error('the plugin was closed'));
    return new Promise((resolve, reject) => this.slot.enqueue({ ...operation, plugin: this, resolve, reject }));
  }

  /** Creates the instance in its worker. */
  start(onStart?: () => void): Promise<void> {
    return this.run({ op: 'create', onStart }).then(() => undefined);
  }

  async call(fn: string, input: string, onStart?: () => void): Promise<Uint8Array> {
    return (await this.run({ op: 'call', fn, input, onStart })) ?? new Uint8Array();
  }

  /** Ends the instance at once, even mid-call. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.slot.remove(this, () => new Error('the plugin was closed'));
    pool.forget(this);
  }
}

class WorkerPool {
  private readonly slots: WorkerSlot[] = [];
  private readonly plugins = new Map<number, PooledPlugin>();
  private nextKey = 1;
  private readonly maxWorkers = Math.max(1, availableParallelism());

  plugin(key: number): PooledPlugin | undefined {
    return this.plugins.get(key);
  }

  add(id: string, options: PooledPluginOptions): PooledPlugin {
    const slot = this.slotForNewPlugin();
    const plugin = new PooledPlugin(this.nextKey++, id, options, slot);
    slot.adopt(plugin);
    this.plugins.set(plugin.key, plugin);
    return plugin;
  }

  /** Has the worker of the next plugin start now (see `warmUpPluginWorker`). */
  warmUp(): void {
    this.slotForNewPlugin().warmUp();
  }

  /** The fullest slot with room (fewer workers, less CPU), else a new one, else the emptiest. */
  private slotForNewPlugin(): WorkerSlot {
    const withRoom = this.slots.filter((slot) => slot.plugins.size < PLUGINS_PER_WORKER);
    if (withRoom.length > 0) return withRoom.reduce((best, slot) => (slot.plugins.size > best.plugins.size ? slot : best));
    if (this.slots.length >= this.maxWorkers) return this.slots.reduce((best, slot) => (slot.plugins.size < best.plugins.size ? slot : best));
    const slot = new WorkerSlot(this);
    this.slots.push(slot);
    return slot;
  }

  /** A slot with room for `count` plugins whose worker is not held by a call, or a new one. */
  slotForMovedPlugins(from: WorkerSlot, count: number): WorkerSlot {
    const free = this.slots.find((slot) => slot !== from && !slot.stalled && slot.plugins.size + count <= PLUGINS_PER_WORKER);
    if (free) return free;
    const slot = new WorkerSlot(this);
    this.slots.push(slot);
    return slot;
  }

  forget(plugin: PooledPlugin): void {
    this.plugins.delete(plugin.key);
  }

  retire(slot: WorkerSlot): void {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
  }
}

const pool = new WorkerPool();

/**
 * Starts the worker the next plugin will run in, if it is not running: called when a plugin is
 * loaded, so the worker starts (on another core) while the module is read and compiled.
 */
export function warmUpPluginWorker(): void {
  pool.warmUp();
}

let whileStarting: (() => void) | undefined;

/**
 * Has `task` run once, on this thread, right after the next plugin worker begins to start. Node
 * takes ~35 ms to start a worker, and until then this thread mostly waits for it (the first plugin
 * call needs it): a command that will need more of its modules later (an install: downloads,
 * archives) loads them then instead of on the way. Nothing runs if no worker starts.
 */
export function whilePluginWorkerStarts(task: () => void): void {
  whileStarting = task;
}

function runWhileStarting(): void {
  const task = whileStarting;
  whileStarting = undefined;
  // After what started the worker (a plugin's load, which compiles its module off this thread next).
  if (task) setImmediate(task);
}

/** Hosts a plugin in the process's pool (created in its worker by `start`). */
export function hostPlugin(id: string, options: PooledPluginOptions): PooledPlugin {
  return pool.add(id, options);
}
