/**
 * Plugins share a few worker threads (`./plugin-worker.ts`) instead of starting one each: a worker
 * costs ~35 ms of CPU to start, the plugin in it a few ms. `proto install` of ten tools starts
 * one worker, not ten.
 *
 * Contracts:
 * - A pool has up to `maxWorkers` slots (one per core), started lazily. A plugin goes to the
 *   fullest slot with room; a new slot is opened when every slot hosts `PLUGINS_PER_WORKER`.
 * - A slot runs one call at a time, in the order asked: the calls of different plugins in one
 *   worker run one after another (one JS thread per worker). A call of a plugin that has no
 *   instance in the worker (its first, or after a move or pause) carries the instance's creation
 *   in the same message: one round trip, and the worker runs the call without waiting for us. A call
 *   blocked in a host function (the network, a command) holds its worker, never the main thread:
 *   host functions are answered here while their worker waits, and nothing here waits for a call
 *   to finish before answering one, so a host call cannot deadlock with another plugin's call.
 * - `onStart` of a call runs when it is sent to a running worker: a plugin's time bound counts
 *   from then, not from when it queued behind a neighbour or waited for a worker to start (a
 *   start has its own bound, `WORKER_START_TIMEOUT_MS`). A plugin's first call runs it again once
 *   the instance is made: its creation and its call have a bound each, as do their holds of the
 *   worker (`STALLED_MS`).
 * - A call does not hold up its neighbours for long:
 *   - One that waits in a host function (the network, a command) past `PAUSE_AFTER_MS` while
 *     other plugins' operations wait for its worker gives the worker up (`./plugin-worker.ts`
 *     says how): the worker runs the others, and the call runs again from its start once its
 *     answer is there, with the host calls it made answered from a record (not run again while
 *     the guest asks the same).
 *     Ten plugins waiting for the network so wait at the same time, in one worker.
 *   - One that holds its worker past `STALLED_MS` (a computation, or a host call that cannot give
 *     it up) has the plugins queued behind it move to one other worker, and be created again
 *     there: a worker that runs nothing first, then the least busy one, else a new one.
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
import {
  answeredFlag,
  pausedFlag,
  type CallOperation,
  type CreateOperation,
  type HostAnswer,
  type HostCallMessage,
  type PausedCall,
  type RecordedHostCall,
  type WorkerOperation,
  type WorkerReport,
  type WorkerSetup,
} from './worker-protocol.js';

/**
 * How many plugins a worker takes before the pool opens another (when it may). Plugin calls are
 * short and the main thread does the installs, so one worker serves a whole `proto install`: a
 * second one cost ~90 ms more CPU for ten tools and no wall time (bench/install-many.ts). Calls
 * that wait or compute longer give way (`PAUSE_AFTER_MS`, `STALLED_MS`).
 */
const PLUGINS_PER_WORKER = 16;
/** How long a worker whose plugins all closed waits for another (it never keeps the process alive). */
const IDLE_WORKER_MS = 1000;
/** How long a call may hold its worker (a long computation) before the plugins queued behind it move. */
const STALLED_MS = 250;
/**
 * How long a call may wait in one host function, while other plugins wait for its worker, before
 * it gives the worker up: about a request to 127.0.0.1 (1-3 ms), far below a round trip over a
 * real network (20-150 ms). Giving up costs a new instance of the plugin and a second run of the
 * call up to that host function (~1 ms for the disttool fixture). Measured with ten tools
 * (bench/install-many.ts): on 127.0.0.1, 2, 10 and 1000 ms alike (within the noise); with 40 ms
 * responses, 0-3 ms 1.32-1.43x one tool, 10 ms 1.67x.
 */
const PAUSE_AFTER_MS = 2;
let bounds = { stalledMs: STALLED_MS, pauseAfterMs: PAUSE_AFTER_MS };

/**
 * Sets how long a call may hold its worker before its neighbours move, or wait in a host function
 * before it gives the worker up, and returns the function that puts them back. Only tests call it:
 * a bound must be far from the waits a test makes on a loaded machine (a plugin's creation and
 * first call may need more than 250 ms; a request to 127.0.0.1 more than 10 ms).
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
let operationsSent = 0;
/**
 * Workers started by this process so far, and running now, and the operations sent to them
 * (messages: a creation with its call is one). Tests count them.
 */
export function pluginWorkerCounts(): { started: number; running: number; operations: number } {
  return { started: workerStarts, running: workersRunning, operations: operationsSent };
}

/** A call of a plugin, queued in its slot (its instance is made with it when it has none there). */
interface Operation {
  fn: string;
  input: string;
  onStart?: () => void;
  plugin: PooledPlugin;
  resolve: (output: Uint8Array | undefined) => void;
  reject: (error: Error) => void;
  /** Sent once already (its `onStart` ran). */
  started?: boolean;
  /** A call that gave its worker up: what its next run replays (see `./plugin-worker.ts`). */
  replay?: RecordedHostCall[];
  loggedBefore?: string[];
}

/** A call that gave its worker up while `answer` was on its way. */
class PausedRun {
  constructor(
    readonly paused: PausedCall,
    readonly answer: Promise<HostAnswer>,
  ) {}
}

let nextId = 1;
const PREVIOUS_WORKER_GONE = 'its previous worker was busy or stopped';

/** One running worker thread. */
class WorkerThread {
  readonly number = ++workerStarts;
  private readonly worker: Worker;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly answers: MessagePort;
  private readonly pending = new Map<number, { resolve: (output?: Uint8Array | PausedRun) => void; reject: (error: Error) => void }>();
  /** The host call waiting past `PAUSE_AFTER_MS`, while the worker may still give it up. */
  private waitingCall: number | undefined;
  /**
   * The answers of host calls whose call gave the worker up, by host call id: kept until the
   * answer came (else `answer` would hand it to the worker) and the worker's report took it.
   */
  private readonly pausedAnswers = new Map<number, { answer: Promise<HostAnswer>; resolve: (answer: HostAnswer) => void; answered: boolean; taken: boolean }>();
  /** The plugins created in this thread. */
  readonly hosts = new Set<PooledPlugin>();
  private dead = false;
  readonly ready: Promise<void>;
  private failStart: (error: Error) => void = () => undefined;

  constructor(
    private readonly pool: WorkerPool,
    onExit: () => void,
    /** Told when a host call that may give its worker up has waited past `PAUSE_AFTER_MS` (`waitingPastBound`). */
    private readonly onWaitPastBound: () => void,
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

  /** Sends one operation; resolves with its output when the worker says it is done (or that the call paused). */
  send(operation: WorkerOperation): Promise<Uint8Array | undefined | PausedRun> {
    if (this.dead) return Promise.reject(new Error('the plugin worker was stopped'));
    return new Promise((resolve, reject) => {
      this.pending.set(operation.id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage(operation);
      operationsSent++;
    });
  }

  /**
   * Sends a plugin's creation with the call it is made for, in one message: `created` settles when
   * the instance is made (or not), `called` with the call's outcome. A creation that fails runs no
   * call: only `created` says why, and `called` never settles.
   */
  sendCreation(operation: CreateOperation): { created: Promise<unknown>; called: Promise<Uint8Array | undefined | PausedRun> } {
    const called = new Promise<Uint8Array | undefined | PausedRun>((resolve, reject) => this.pending.set(operation.call.id, { resolve, reject }));
    // Rejected only with its creation (a stopped worker), whose failure `created` reports.
    called.catch(() => undefined);
    const created = this.send(operation);
    created.catch(() => this.forget(operation.call.id));
    return { created, called };
  }

  /** Waits no more for the `done` of operation `id` (it will not come). */
  private forget(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0 && !this.dead) this.worker.unref();
  }

  private receive(report: WorkerReport): void {
    switch (report.type) {
      case 'done': {
        const waiting = this.pending.get(report.id);
        this.pending.delete(report.id);
        if (this.pending.size === 0) this.worker.unref();
        if (report.error) waiting?.reject(new WorkerOperationError(report.error.name, report.error.message));
        else if (report.paused) waiting?.resolve(new PausedRun(report.paused, this.pausedAnswer(report.paused.call.id)));
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

  /**
   * Runs a host function for the worker, which waits until the flag says the answer is there, or
   * that its call gives the worker up (`pauseWaitingCall`): the answer then goes to the call's next run.
   */
  private async answer(call: HostCallMessage): Promise<void> {
    const context = new HostCallContext(call.blocks, call.next);
    let answer: HostAnswer;
    // The worker can run nothing else meanwhile: past the bound, its slot may have the call give it up.
    const waitTimer = call.pausable
      ? setTimeout(() => {
          // A stopped worker waits for nothing (its slot may not have heard of its exit yet).
          if (this.dead) return;
          this.waitingCall = call.id;
          this.onWaitPastBound();
        }, bounds.pauseAfterMs).unref()
      : undefined;
    try {
      const fn = this.pool.plugin(call.plugin)?.options.functions[call.namespace]?.[call.name];
      if (!fn) throw new Error(`host function "${call.namespace}" "${call.name}" does not exist`);
      const result = await fn(context, ...(call.args as bigint[]));
      answer = { result: result ?? undefined, stored: context.stored };
    } catch (error) {
      answer = { error: error instanceof Error ? error.message : String(error), stored: [] };
    } finally {
      clearTimeout(waitTimer);
      // Only its own: another call may wait now (this one gave the worker up earlier).
      if (this.waitingCall === call.id) this.waitingCall = undefined;
    }
    // Its call gave the worker up: the answer waits for the call's next run (in whichever worker).
    const paused = this.pausedAnswers.get(call.id);
    if (paused) {
      paused.answered = true;
      if (paused.taken) this.pausedAnswers.delete(call.id);
      return paused.resolve(answer);
    }
    // A worker stopped meanwhile waits for nothing.
    if (this.dead) return;
    this.answers.postMessage(answer, answer.stored.map((bytes) => bytes.buffer as ArrayBuffer));
    Atomics.store(this.flag, 0, answeredFlag(call.id));
    Atomics.notify(this.flag, 0);
  }

  /** The call running in the worker waits in a host function past `PAUSE_AFTER_MS`, and may give the worker up. */
  get waitingPastBound(): boolean {
    return this.waitingCall !== undefined;
  }

  /** Has the call whose host call waits past `PAUSE_AFTER_MS` give the worker up (the worker then reports it paused). */
  pauseWaitingCall(): void {
    const id = this.waitingCall;
    if (id === undefined || this.dead) return;
    this.waitingCall = undefined;
    let resolve: (answer: HostAnswer) => void = () => undefined;
    const answer = new Promise<HostAnswer>((done) => (resolve = done));
    this.pausedAnswers.set(id, { answer, resolve, answered: false, taken: false });
    Atomics.store(this.flag, 0, pausedFlag(id));
    Atomics.notify(this.flag, 0);
  }

  /** The answer the call the worker reports paused waits for. */
  private pausedAnswer(id: number): Promise<HostAnswer> {
    const paused = this.pausedAnswers.get(id);
    if (!paused) return Promise.reject(new Error('the plugin worker paused a call it was not asked to'));
    paused.taken = true;
    if (paused.answered) this.pausedAnswers.delete(id);
    return paused.answer;
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

  constructor(private readonly pool: WorkerPool) {}

  /** Takes a plugin in. */
  adopt(plugin: PooledPlugin): void {
    this.plugins.add(plugin);
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  enqueue(operation: Operation): void {
    this.queue.push(operation);
    this.giveWay();
    void this.run();
  }

  /** The next operation to run: the first of a plugin with no call paused (its operations keep their order). */
  private next(): Operation | undefined {
    const index = this.queue.findIndex((queued) => !queued.plugin.paused);
    return index < 0 ? undefined : this.queue.splice(index, 1)[0];
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let operation = this.next(); operation; operation = this.next()) {
        this.current = operation;
        try {
          const outcome = await this.perform(operation);
          if (outcome instanceof PausedRun) this.park(operation, outcome);
          else operation.resolve(outcome);
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

  /**
   * Keeps a call that gave its worker up aside until its host call is answered, then queues it
   * first in its plugin's slot (it may have moved meanwhile), to run again with what it replays.
   */
  private park(operation: Operation, run: PausedRun): void {
    const { plugin } = operation;
    // The worker closed the instance: the next run makes it again.
    this.thread?.hosts.delete(plugin);
    plugin.paused = operation;
    plugin.remade = 'a call of it gave the worker up while it waited';
    const { call, record, logs } = run.paused;
    log('trace', `plugin:${plugin.id}`, `gives its plugin worker up while ${call.name} waits; its call runs again when the answer is there`);
    void run.answer.then(
      (answer) => {
        // Closed meanwhile (its bound, an error elsewhere): `remove` rejected it.
        if (plugin.paused !== operation) return;
        plugin.paused = undefined;
        operation.replay = [...record, { call, answer }];
        operation.loggedBefore = logs;
        plugin.slot.enqueueFirst(operation);
      },
      (error: Error) => {
        if (plugin.paused !== operation) return;
        plugin.paused = undefined;
        operation.reject(error);
      },
    );
  }

  /** Queues an operation before the others (a paused call coming back). */
  private enqueueFirst(operation: Operation): void {
    this.queue.unshift(operation);
    this.giveWay();
    void this.run();
  }

  private async perform(operation: Operation): Promise<Uint8Array | undefined | PausedRun> {
    const { plugin } = operation;
    const thread = await this.liveThread();
    // The plugin's own time starts now: not while it queued, nor while a worker started (and a
    // call that gave its worker up and runs again goes on counting from its first start).
    if (!operation.started) operation.onStart?.();
    operation.started = true;
    this.startStallTimer();
    const { replay, loggedBefore } = operation;
    const call: CallOperation = { op: 'call', id: nextId++, plugin: plugin.key, fn: operation.fn, input: operation.input, replay, loggedBefore };
    if (thread.hosts.has(plugin)) return thread.send(call);
    // First run, or its worker was replaced since (a neighbour was stopped), or its call gave the
    // worker up: its instance is made here, with the call in the same message.
    const { module, config, allowedPaths, functions } = plugin.options;
    const imports = Object.fromEntries(Object.entries(functions).map(([namespace, fns]) => [namespace, Object.keys(fns)]));
    const started = performance.now();
    const first = plugin.instances === 0;
    const { created, called } = thread.sendCreation({ op: 'create', id: nextId++, plugin: plugin.key, module, config, allowedPaths, imports, call });
    await created;
    thread.hosts.add(plugin);
    // Said once per plugin: tests count "started in" (a tool's plugin starts once per command).
    // An instance made again after a move or a stopped neighbour says so in other words.
    const took = `${(performance.now() - started).toFixed(1)} ms in plugin worker ${thread.number}`;
    log('trace', `plugin:${plugin.id}`, plugin.instances++ === 0 ? `started in ${took}` : `made again in ${took} (${plugin.remade})`);
    plugin.remade = PREVIOUS_WORKER_GONE;
    if (first) {
      // A plugin's first creation has bounds of its own (its time, and how long it may hold the
      // worker): the call's count from when the instance is made, as if it were sent then.
      this.startStallTimer();
      operation.onStart?.();
    }
    return called;
  }

  /** Counts how long the running call holds the worker (`STALLED_MS`) from now. */
  private startStallTimer(): void {
    clearTimeout(this.stallTimer);
    this.stalled = false;
    this.stallTimer = setTimeout(() => {
      this.stalled = true;
      this.giveWay();
    }, bounds.stalledMs).unref();
  }

  /**
   * The running call holds the worker past `STALLED_MS`, and cannot give it up for the network:
   * what is queued behind it moves.
   */
  get held(): boolean {
    return this.stalled && !this.thread?.waitingPastBound;
  }

  /** Runs an operation or has one queued. */
  get busy(): boolean {
    return this.running || this.queue.length > 0;
  }

  get queued(): number {
    return this.queue.length;
  }

  /**
   * Lets the operations of other plugins queued behind the running call go on: when the call
   * waits in a host function past `PAUSE_AFTER_MS`, it gives the worker up (however long it has
   * run: a wait for the network never starts a worker); when it holds the worker past
   * `STALLED_MS` otherwise, they move.
   */
  private giveWay(): void {
    const holder = this.current?.plugin;
    if (!this.queue.some((queued) => queued.plugin !== holder && !queued.plugin.paused)) return;
    if (this.thread?.waitingPastBound) this.thread.pauseWaitingCall();
    else if (this.stalled) this.relieve();
  }

  /** Moves the plugins waiting behind the running call, which holds the worker past `STALLED_MS`, to one other worker. */
  private relieve(): void {
    const holder = this.current?.plugin;
    const waiting = [...new Set(this.queue.filter((queued) => queued.plugin !== holder).map((queued) => queued.plugin))];
    if (waiting.length === 0) return;
    const target = this.pool.slotForMovedPlugins(this, waiting.length);
    waiting.forEach((plugin) => {
      const operations = this.queue.filter((queued) => queued.plugin === plugin);
      this.queue.splice(0, this.queue.length, ...this.queue.filter((queued) => queued.plugin !== plugin));
      this.plugins.delete(plugin);
      this.dropInstance(plugin);
      log('trace', `plugin:${plugin.id}`, 'moves to another plugin worker: a call of another plugin holds its worker');
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
        // A thread stopped since (its call's bound, a close) has no call running now.
        () => {
          if (thread === this.thread && !thread.stopped) this.giveWay();
        },
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
    if (plugin.paused) {
      plugin.paused.reject(reason());
      plugin.paused = undefined;
    }
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
  /** Why its next instance is made again (the trace says so). */
  remade = PREVIOUS_WORKER_GONE;
  /** Its call that gave its worker up and waits for a host call's answer: its other operations wait too. */
  paused: Operation | undefined;

  constructor(
    readonly key: number,
    readonly id: string,
    readonly options: PooledPluginOptions,
    /** Where it runs (it moves when a neighbour's call holds the worker: WorkerSlot.relieve). */
    public slot: WorkerSlot,
  ) {}

  /**
   * Calls `fn`; the first call also makes the instance in its worker (one message for both).
   * `onStart` runs when the call is sent to its worker, and for the first call again when the
   * instance is made: the creation's bound counts from the first, the call's from the second.
   * A first call that fails before its instance is made (`instances` is still 0) failed to create it.
   */
  async call(fn: string, input: string, onStart?: () => void): Promise<Uint8Array> {
    if (this.closed) throw new Error('the plugin was closed');
    const output = await new Promise<Uint8Array | undefined>((resolve, reject) => this.slot.enqueue({ fn, input, onStart, plugin: this, resolve, reject }));
    return output ?? new Uint8Array();
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
   * The slot for `count` plugins moved off `from`, whose call holds its worker past `STALLED_MS`,
   * among those not held and with room: one that runs nothing (no wait, no start), else the least
   * busy (one more worker would compete for the same cores), else a new one.
   */
  slotForMovedPlugins(from: WorkerSlot, count: number): WorkerSlot {
    const open = this.slots.filter((slot) => slot !== from && !slot.held && slot.plugins.size + count <= PLUGINS_PER_WORKER);
    const idle = open.find((slot) => !slot.busy);
    if (idle) return idle;
    const busy = open.sort((a, b) => a.queued - b.queued)[0];
    return busy ?? this.newSlot();
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

/** Hosts a plugin in the process's pool (created in its worker with its first call). */
export function hostPlugin(id: string, options: PooledPluginOptions): PooledPlugin {
  return pool.add(id, options);
}
