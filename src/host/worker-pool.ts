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
 * - A call does not hold up its neighbours for long: the plugins queued behind it move to other
 *   workers, and are created again there, when it has waited in one host function (the network,
 *   a command) past `HOST_WAIT_MS`, or held its worker past `STALLED_MS` (computation). A worker
 *   waiting for the network can run nothing else, so after a host wait they are spread over up
 *   to `HOST_WAIT_SPREAD` workers, round robin: in one, the first of them to wait for the network
 *   would hold up the rest again. After a computation they go to one worker (more would compete
 *   for the same cores). They go to workers that run nothing first, then (after a host wait) to
 *   new ones, up to `HOST_WAIT_SPREAD` beyond the one-per-core count (a waiting worker uses no
 *   CPU), then to busy ones that are not held, and to one more new worker only when every other
 *   is held (see `slotsForMovedPlugins`): at most one worker per plugin waiting on the network. The main thread sees a host wait: it
 *   answers host functions (`WorkerThread.answer`).
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
 * that hold their worker longer move their neighbours out (`HOST_WAIT_MS`, `STALLED_MS`).
 */
const PLUGINS_PER_WORKER = 16;
/** How long a worker whose plugins all closed waits for another (it never keeps the process alive). */
const IDLE_WORKER_MS = 1000;
/** How long a call may hold its worker (a long computation) before the plugins queued behind it move. */
const STALLED_MS = 250;
/**
 * How long a call may wait in one host function before the plugins queued behind it move: above
 * a request to 127.0.0.1 on a busy machine (~3 ms, tens when loaded), below a round trip over a
 * real network (20-150 ms), so a network wait no longer serializes the plugins of a command.
 */
const HOST_WAIT_MS = 25;
/**
 * How many workers the plugins queued behind a host wait are spread over at once: one per core,
 * 2 to 4. A worker's start is ~35 ms of CPU: more starts at once than cores only end later (ten
 * tools behind a 40 ms wait on 2 cores: 2 workers at a time, 590 ms and 700 ms of CPU; 4 at a
 * time, 610 ms and 775 ms).
 */
const HOST_WAIT_SPREAD = Math.min(4, Math.max(2, availableParallelism()));
let bounds = { stalledMs: STALLED_MS, hostWaitMs: HOST_WAIT_MS };

/**
 * Sets how long a call may hold its worker, or wait in a host function, before its neighbours
 * move, and returns the function that puts them back. Only tests call it: a bound must be far
 * from the waits a test makes on a loaded machine (a plugin's creation and first call may need
 * more than 250 ms; a request to 127.0.0.1 more than 25 ms).
 */
export function setMoveBounds(changed: Partial<typeof bounds>): () => void {
  const previous = bounds;
  bounds = { ...bounds, ...changed };
  return () => {
    bounds = previous;
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
    /** Told when a host call has waited past `HOST_WAIT_MS` (true), and when that call is answered (false). */
    private readonly onLongHostWait: (waiting: boolean) => void,
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
    // The worker can run nothing else meanwhile: a long wait has its neighbours move (WorkerSlot).
    let longWait = false;
    const waitTimer = setTimeout(() => {
      // A stopped worker waits for nothing (its slot may not have heard of its exit yet).
      if (this.dead) return;
      longWait = true;
      this.onLongHostWait(true);
    }, bounds.hostWaitMs).unref();
    try {
      const fn = this.pool.plugin(call.plugin)?.options.functions[call.namespace]?.[call.name];
      if (!fn) throw new Error(`host function "${call.namespace}" "${call.name}" does not exist`);
      const result = await fn(context, ...(call.args as bigint[]));
      answer = { result: result ?? undefined, stored: context.stored };
    } catch (error) {
      answer = { error: error instanceof Error ? error.message : String(error), stored: [] };
    } finally {
      clearTimeout(waitTimer);
      if (longWait) this.onLongHostWait(false);
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
  private stalled = false;
  /** The running call has waited in a host function past `HOST_WAIT_MS`, and still does. */
  private waitingInHost = false;

  constructor(private readonly pool: WorkerPool) {}

  /** Takes a plugin in. */
  adopt(plugin: PooledPlugin): void {
    this.plugins.add(plugin);
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  enqueue(operation: Operation): void {
    this.queue.push(operation);
    if (this.held) this.relieve();
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
        this.waitingInHost = false;
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
    }, bounds.stalledMs).unref();
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

  /** The running call holds the worker past a bound: what is queued behind it moves. */
  get held(): boolean {
    return this.stalled || this.waitingInHost;
  }

  /** Runs an operation or has one queued. */
  get busy(): boolean {
    return this.running || this.queue.length > 0;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** The running call of `thread` waits in a host function past `HOST_WAIT_MS` (or no longer does). */
  private longHostWait(thread: WorkerThread, waiting: boolean): void {
    // A thread stopped since (its call's bound, a close) answers nothing for the call running now:
    // marked held, the slot would move every plugin later queued on it.
    if (thread !== this.thread || thread.stopped) return;
    this.waitingInHost = waiting;
    if (waiting) this.relieve();
  }

  /** Moves the plugins waiting behind the running call to other workers (see the header for how many). */
  private relieve(): void {
    const holder = this.current?.plugin;
    const waiting = [...new Set(this.queue.filter((queued) => queued.plugin !== holder).map((queued) => queued.plugin))];
    if (waiting.length === 0) return;
    const reason = this.waitingInHost ? 'waits in a host function' : 'holds its worker';
    const targets = this.pool.slotsForMovedPlugins(this, waiting.length, this.waitingInHost ? HOST_WAIT_SPREAD : 1);
    waiting.forEach((plugin, index) => {
      const target = targets[index % targets.length]!;
      const operations = this.queue.filter((queued) => queued.plugin === plugin);
      this.queue.splice(0, this.queue.length, ...this.queue.filter((queued) => queued.plugin !== plugin));
      this.plugins.delete(plugin);
      this.dropInstance(plugin);
      log('trace', `plugin:${plugin.id}`, `moves to another plugin worker: a call of another plugin ${reason}`);
      plugin.slot = target;
      target.adopt(plugin);
      for (const operation of operations) target.enqueue(operation);
    });
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
      const thread: WorkerThread = new WorkerThread(
        this.pool,
        () => {
          if (this.thread === thread) this.thread = undefined;
        },
        (waiting) => this.longHostWait(thread, waiting),
      );
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
    return this.newSlot();
  }

  /**
   * Up to `spread` slots for `count` plugins moved off `from` (shared round robin), among those not
   * held by a call and with room: the ones that run nothing first (no wait, no start). Then, after
   * a host wait (`spread` > 1), new ones while the pool has fewer than `HOST_WAIT_SPREAD` beyond
   * one per core, before busy ones: a busy worker's call may be the next to wait for the network,
   * and each move makes a plugin again. After a computation, busy ones before new ones: one more
   * worker would compete for the same cores. A new one when there is nothing else.
   */
  slotsForMovedPlugins(from: WorkerSlot, count: number, spread: number): WorkerSlot[] {
    const wanted = Math.min(count, spread);
    const share = Math.ceil(count / wanted);
    const open = this.slots.filter((slot) => slot !== from && !slot.held && slot.plugins.size + share <= PLUGINS_PER_WORKER);
    const idle = open.filter((slot) => !slot.busy).slice(0, wanted);
    const busy = open.filter((slot) => slot.busy).sort((a, b) => a.queued - b.queued);
    const starts = spread > 1 ? Math.max(0, Math.min(wanted - idle.length, this.maxWorkers + HOST_WAIT_SPREAD - this.slots.length)) : 0;
    const targets = [...idle, ...Array.from({ length: starts }, () => this.newSlot()), ...busy].slice(0, wanted);
    return targets.length > 0 ? targets : [this.newSlot()];
  }

  private newSlot(): WorkerSlot {
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
