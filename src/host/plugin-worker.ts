/**
 * The worker thread of `./worker-pool.ts`: it hosts several plugins, each an Extism plugin in the
 * SDK's foreground mode, made from the compiled module the main thread posts (one compile per
 * process, one worker start for many plugins: a worker costs ~35 ms of CPU to start).
 *
 * The main thread sends one call at a time (a plugin's creation with the call it is made for, in
 * one message) and waits for its `done`; a drop (a plugin that closed or moved) may come
 * meanwhile, and ends only its own plugin's instance. Host
 * functions stay on the main thread (they are async, and they use the session's state): each import is a synchronous stub that posts the call
 * with the memory blocks its i64 arguments name, sleeps on `Atomics.wait` until the main thread
 * flags an answer, takes the answer from its own port (`receiveMessageOnPort`, no size limit), and
 * stores the blocks the host function stored, at the indexes the main thread promised for them.
 *
 * A call that waits in a host function (the network, a command) while other plugins wait for this
 * worker may be told to give the worker up (`pausedFlag`): the stub throws, the instance is closed
 * (a guest unwound mid-call keeps a broken stack), and the call is reported paused with the host
 * calls answered so far. It comes back with them and the awaited answer (`replay`): in a new
 * instance, the guest runs again from its start, and each host call it makes is answered from the
 * record while it asks the same as before (`sameHostCall`), so nothing a host function did runs
 * twice; the log lines it sends as before are not sent twice either. A guest that asks something
 * else from then on (it read the clock, say) gets real answers, and that run is not paused again.
 */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import createPlugin, { type CallContext, type Plugin } from '@extism/extism';
import {
  answeredFlag,
  blockIndex,
  nextHostCallId,
  pausedFlag,
  sameHostCall,
  type HostAnswer,
  type HostCallMessage,
  type RecordedHostCall,
  type WorkerOperation,
  type WorkerReport,
  type WorkerSetup,
} from './worker-protocol.js';

const port = parentPort!;
const setup = workerData as WorkerSetup;
const flag = new Int32Array(setup.flag);
const answers: MessagePort = setup.answers;
const plugins = new Map<number, Plugin>();
let hostCallId = 0;

/** The call running now (one at a time per worker): what it replays, and what it records. */
interface Run {
  plugin: number;
  replay: RecordedHostCall[];
  /** The host calls answered so far in this run, replayed or not. */
  record: RecordedHostCall[];
  /** Set once the guest asked something the replay does not hold: real answers from then on. */
  diverged: boolean;
  /** The log lines of the earlier runs, skipped while this run sends the same ones in the same order. */
  loggedBefore: string[];
  /** The log lines of this run, sent or skipped. */
  logs: string[];
  /** This run has logged the same lines as the earlier run so far. */
  logsAsBefore: boolean;
  /** The host call the main thread had this run give its worker up in. */
  pausedIn?: HostCallMessage;
}
let run: Run | undefined;

function report(message: WorkerReport, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

/** The import stub of one host function of one plugin: a blocking round trip to the main thread. */
function hostStub(plugin: number, namespace: string, name: string) {
  return (ctx: CallContext, ...args: (bigint | number)[]): bigint | number | undefined => {
    // The blocks the host function stores will take the next indexes of this context: find the
    // next one (a zero-length block costs nothing and is freed with the call's other blocks).
    const next = blockIndex(ctx.alloc(0)) + 1;
    const blocks: [number, Uint8Array][] = [];
    for (const arg of args) {
      // Any i64 may be an offset; one that names a live block is sent (a false guess costs a copy).
      if (typeof arg !== 'bigint' || arg === 0n) continue;
      const block = ctx.read(arg);
      // A copy: the view is the guest's live block, and a recorded question must stay as asked.
      if (block) blocks.push([blockIndex(arg), block.bytes().slice()]);
    }
    const asked = { namespace, name, args, blocks, next };
    const current = run?.plugin === plugin ? run : undefined;
    // A guest that caught the unwinding (wasm exception handling) must not go on asking.
    if (current?.pausedIn) throw new Error(`host function "${name}": called after the call gave its worker up`);
    let answer = current && replayed(current, asked);
    if (!answer) {
      answer = ask(plugin, asked, current);
      current?.record.push({ call: asked, answer });
    }
    if (answer.error !== undefined) throw new Error(answer.error);
    answer.stored.forEach((bytes, i) => {
      // The SDK takes a stored buffer over as the block, which the guest may then write to: a
      // recorded answer must stay as the host gave it, for the next run.
      const block = current ? bytes.slice() : bytes;
      const offset = block.length === 0 ? ctx.alloc(0) : ctx.store(block);
      if (blockIndex(offset) !== next + i) throw new Error(`host function "${name}": block stored at ${blockIndex(offset)}, not ${next + i}`);
    });
    return answer.result;
  };
}

/** The recorded answer to the host call the run makes next, if it asks the same as before. */
function replayed(current: Run, asked: RecordedHostCall['call']): HostAnswer | undefined {
  if (current.diverged) return undefined;
  const recorded = current.replay[current.record.length];
  if (!recorded) return undefined;
  if (!sameHostCall(asked, recorded.call)) {
    current.diverged = true;
    return undefined;
  }
  current.record.push(recorded);
  return recorded.answer;
}

/** Asks the main thread, and sleeps until it answers or has the run give the worker up. */
function ask(plugin: number, asked: RecordedHostCall['call'], current: Run | undefined): HostAnswer {
  hostCallId = nextHostCallId(hostCallId);
  const id = hostCallId;
  Atomics.store(flag, 0, id);
  const call: HostCallMessage = { type: 'host', id, plugin, pausable: current !== undefined && !current.diverged, ...asked };
  report(call);
  let state: number;
  while ((state = Atomics.load(flag, 0)) === id) Atomics.wait(flag, 0, id);
  if (state === pausedFlag(id) && current) {
    current.pausedIn = call;
    // Unwinds the guest; `perform` sees `pausedIn` whatever the SDK makes of this error.
    throw new Error(`host function "${asked.name}": the call gives its worker up until the answer is there`);
  }
  const answer = receiveMessageOnPort(answers)?.message as HostAnswer | undefined;
  if (state !== answeredFlag(id) || !answer) throw new Error(`host function "${asked.name}": no answer arrived`);
  return answer;
}

function pluginLogger(plugin: number) {
  const send = (level: string) => (message: string) => {
    const text = String(message);
    const current = run?.plugin === plugin ? run : undefined;
    if (current) {
      const line = `${level} ${text}`;
      const index = current.logs.push(line) - 1;
      // Sent by the earlier run: not again. From the first line that differs, every line is sent.
      if (current.logsAsBefore && current.loggedBefore[index] === line) return;
      current.logsAsBefore = false;
    }
    report({ type: 'log', plugin, level, message: text });
  };
  return { trace: send('trace'), debug: send('debug'), info: send('info'), log: send('info'), warn: send('warn'), error: send('error') };
}

const refuseFetch = (() => Promise.reject(new Error('the SDK does not fetch here'))) as unknown as typeof fetch;

async function perform(op: WorkerOperation): Promise<void> {
  try {
    switch (op.op) {
      case 'create': {
        const functions = Object.fromEntries(
          Object.entries(op.imports).map(([namespace, names]) => [
            namespace,
            Object.fromEntries(names.map((name) => [name, hostStub(op.plugin, namespace, name)])),
          ]),
        );
        // The module itself, not a manifest `{ wasm: [{ module }] }`: the SDK tests a manifest
        // against the global `Response`, whose first use loads Node's undici into the worker
        // (~60 ms of CPU in every command that starts a plugin).
        const plugin = await createPlugin(
          op.module,
          {
            // SDK 1.0.3 reads config from the options only; a manifest `config` is silently ignored.
            config: op.config,
            useWasi: true,
            runInWorker: false,
            allowedPaths: op.allowedPaths,
            functions,
            logger: pluginLogger(op.plugin) as unknown as Console,
            enableWasiOutput: false,
            // Never used (the kernel's http_request is a host function here), but without it the
            // SDK reads the global `fetch`, whose first use loads Node's undici into the worker.
            fetch: refuseFetch,
          },
        );
        plugins.set(op.plugin, plugin);
        report({ type: 'done', id: op.id });
        // The call it was made for, now: the main thread need not answer the `done` first.
        await perform(op.call);
        return;
      }
      case 'call': {
        const plugin = plugins.get(op.plugin);
        if (!plugin) throw new Error('the plugin is not running in this worker');
        let bytes = new Uint8Array();
        let failure: unknown;
        const current: Run = { plugin: op.plugin, replay: op.replay ?? [], record: [], diverged: false, loggedBefore: op.loggedBefore ?? [], logs: [], logsAsBefore: true };
        run = current;
        try {
          const output = await plugin.call(op.fn, op.input);
          // A copy: the block goes away with the reset below.
          if (output) bytes = new Uint8Array(output.bytes());
        } catch (error) {
          failure = error;
        } finally {
          run = undefined;
        }
        if (current.pausedIn) {
          // The guest was unwound mid-call: its instance goes (the call comes back to a new one).
          plugins.delete(op.plugin);
          await plugin.close().catch(() => undefined);
          report({ type: 'done', id: op.id, paused: { call: current.pausedIn, record: current.record, logs: current.logs } });
          return;
        }
        // Every block of the call is freed now (the SDK keeps them until told), before the call is
        // reported: one report per call, and the call's own error wins over the reset's. Extism
        // vars do not survive it: SDK 1.0.3's reset truncates the blocks but keeps the vars'
        // indexes, so a var set in one call names no block (or another one) in the next.
        // The README ("How a plugin is run") and the Plugin API changelog say so.
        await plugin.reset().catch((error: unknown) => (failure ??= error));
        if (failure !== undefined) throw failure;
        report({ type: 'done', id: op.id, output: bytes }, [bytes.buffer as ArrayBuffer]);
        return;
      }
      case 'drop': {
        const plugin = plugins.get(op.plugin);
        plugins.delete(op.plugin);
        await plugin?.close();
        report({ type: 'done', id: op.id });
        return;
      }
    }
  } catch (error) {
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
    report({ type: 'done', id: op.id, error: { name, message } });
  }
}

port.on('message', (op: WorkerOperation) => void perform(op));
report({ type: 'ready' });
