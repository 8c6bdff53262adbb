/**
 * Plugins share worker threads (src/host/worker-pool.ts): several plugins in one worker, host
 * functions answered on the main thread, a call waiting for the network giving its worker up to
 * its neighbours and running again with its answer, and a plugin stopped mid-call taking down only
 * its worker, whose other plugins go on in a fresh one.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { compilePluginModule, PluginContainer } from '../../../src/host/index.js';
import { hostPlugin, pluginWorkerCounts, setMoveBounds } from '../../../src/host/worker-pool.js';
import { ProtoError } from '../../../src/errors.js';
import { getLogLevel, setLogLevel, setLogSink } from '../../../src/log.js';
import { createSandbox, type Sandbox } from '../../../test-utils/index.js';
import { fixturePlugin } from '../../support/fixtures.js';

/** Runs `body` with the pool's move bounds changed (setMoveBounds), and puts them back after. */
async function withMoveBounds(changed: Parameters<typeof setMoveBounds>[0], body: () => Promise<void>): Promise<void> {
  const restore = setMoveBounds(changed);
  try {
    await body();
  } finally {
    restore();
  }
}

describe('plugins sharing workers', () => {
  let sandbox: Sandbox;
  let server: Server;
  let baseUrl: string;
  const loaded: PluginContainer[] = [];
  /** The requests to /hold wait for this until the test releases them. */
  let held: Promise<void> = Promise.resolve();
  /** The requests to /gate/<name>: each says when it arrived, and waits until the test releases it. */
  const gates = new Map<string, { arrive: () => void; released: Promise<void> }>();

  before(async () => {
    sandbox = createSandbox();
    server = createServer((request, response) => {
      // Answers after a while: a plugin waits in a host function meanwhile.
      if (request.url === '/slow') setTimeout(() => response.writeHead(200).end('slow answer'), 150);
      else if (request.url === '/hold') void held.then(() => response.writeHead(200).end('released'));
      else if (request.url?.startsWith('/gate/') && gates.has(request.url.slice(6))) {
        const gate = gates.get(request.url.slice(6))!;
        gate.arrive();
        void gate.released.then(() => response.writeHead(200).end('through'));
      }
      else response.writeHead(404).end('nope');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await Promise.all(loaded.map((plugin) => plugin.close()));
    await new Promise((resolve) => server.close(resolve));
    sandbox.cleanup();
  });

  /** Closes the plugins of the tests before and waits for their workers to end: the next plugins share one. */
  async function startAfresh(): Promise<void> {
    await Promise.all(loaded.splice(0).map((plugin) => plugin.close()));
    for (let i = 0; i < 250 && pluginWorkerCounts().running > 0; i++) await sleep(20);
    assert.equal(pluginWorkerCounts().running, 0);
  }

  /**
   * Starts a call of `plugin` (`fn`: one that passes its input to send_request) whose request the
   * server holds until `release()`: it holds its worker too, unless it gives the worker up.
   */
  function holdWorkerOf(plugin: PluginContainer, fn = 'probe_send_request'): { release: () => void; status: Promise<number> } {
    let release = () => undefined as void;
    held = new Promise((resolve) => (release = resolve));
    const status = plugin.callRaw(fn, JSON.stringify({ url: `${baseUrl}/hold` })).then((answer) => JSON.parse(answer).status as number);
    return { release, status };
  }

  /**
   * Starts a call of `plugin` whose request to /gate/<name> waits until `release()`; `arrived`
   * resolves when the server has it (its host call then waits in the plugin's worker).
   */
  function gatedCall(plugin: PluginContainer, name: string): { arrived: Promise<void>; release: () => void; status: Promise<number> } {
    let arrive = () => undefined as void;
    let release = () => undefined as void;
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    gates.set(name, { arrive, released: new Promise((resolve) => (release = resolve)) });
    const status = plugin.callRaw('probe_send_request', JSON.stringify({ url: `${baseUrl}/gate/${name}` })).then((answer) => JSON.parse(answer).status as number);
    return { arrived, release, status };
  }

  /** What `promise` gives within 30 s, or a message saying it did not (a test then fails instead of hanging). */
  function within30s<T>(promise: Promise<T>, what: string): Promise<T | string> {
    return Promise.race([promise, sleep(30_000, `${what}: not within 30 s`, { ref: false })]);
  }

  /**
   * Loads a probe plugin (WHO=`who` in its environment) and makes its instance with a first call,
   * so that the calls a test then makes queue in the worker in the order it makes them.
   */
  async function loadMade(id: string, options: { who?: string; timeoutMs?: number } = {}): Promise<PluginContainer> {
    const plugin = await load(id, 'probe/host-probe', { ...(options.who ? { env: { WHO: options.who } } : {}), timeoutMs: options.timeoutMs });
    assert.equal(await plugin.callRaw('probe_get_env_var', 'WHO'), options.who ?? '');
    return plugin;
  }

  /** Runs `body` with the trace lines it logs collected in `lines`. */
  async function tracing<T>(lines: string[], body: () => Promise<T>): Promise<T> {
    const level = getLogLevel();
    setLogLevel('trace');
    const sink = setLogSink((line) => lines.push(line));
    try {
      return await body();
    } finally {
      setLogSink(sink);
      setLogLevel(level);
    }
  }

  async function load(id: string, wasm: string, options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<PluginContainer> {
    const plugin = await PluginContainer.load({ id, wasm: fixturePlugin(wasm), dirs: sandbox.dirs, ...options });
    loaded.push(plugin);
    return plugin;
  }

  it('runs two plugins in one worker, and ends the worker once both are closed', async () => {
    const before = pluginWorkerCounts();
    const first = await load('first', 'probe/host-probe', { env: { WHO: 'first' } });
    const second = await load('second', 'probe/host-probe', { env: { WHO: 'second' } });
    assert.equal(await first.callRaw('probe_get_env_var', 'WHO'), 'first');
    assert.equal(await second.callRaw('probe_get_env_var', 'WHO'), 'second');
    assert.equal(pluginWorkerCounts().started - before.started, 1, 'one worker for both plugins');
    await Promise.all([first.close(), second.close()]);
    // An idle worker waits a second for another plugin (unref'd: it keeps no process alive).
    for (let i = 0; i < 250 && pluginWorkerCounts().running > before.running; i++) await sleep(20);
    assert.equal(pluginWorkerCounts().running, before.running, 'no idle worker is left running');
  });

  it('starts its workers from the bundle of the worker that npm test names, else from the TypeScript sources', async () => {
    await startAfresh();
    // scripts/run-tests.mjs bundles src/host/plugin-worker.ts and names it in PROTO_TEST_PLUGIN_WORKER.
    const named = process.env.PROTO_TEST_PLUGIN_WORKER;
    const expected = named ? basename(named) : 'plugin-worker.ts';
    const lines: string[] = [];
    const level = getLogLevel();
    setLogLevel('trace');
    const sink = setLogSink((line) => lines.push(line));
    try {
      const plugin = await load('which-worker', 'probe/host-probe', { env: { WHO: 'which' } });
      assert.equal(await plugin.callRaw('probe_get_env_var', 'WHO'), 'which');
    } finally {
      setLogSink(sink);
      setLogLevel(level);
    }
    const started = lines.filter((line) => line.startsWith('[TRACE plugin-worker] worker '));
    assert.equal(started.length, 1, lines.join('\n'));
    assert.match(started[0]!, new RegExp(` started in [\\d.]+ ms \\(${expected.replaceAll('.', '\\.')}\\)$`));
  });

  it('ends the worker started for a plugin that then failed to load', async () => {
    await startAfresh();
    await assert.rejects(load('incompatible', 'hostile/missing-import'), (error: ProtoError) => error.code === 'plugin.incompatible');
    for (let i = 0; i < 250 && pluginWorkerCounts().running > 0; i++) await sleep(20);
    assert.equal(pluginWorkerCounts().running, 0, 'no worker is left running for a plugin that never ran');
  });

  it('starts no worker for a plugin file that is not there', async () => {
    await startAfresh();
    const before = pluginWorkerCounts();
    const wasm = `${sandbox.root}/no-such-plugin.wasm`;
    await assert.rejects(PluginContainer.load({ id: 'missing', wasm, dirs: sandbox.dirs }), (error: ProtoError) => {
      assert.equal(error.code, 'plugin.load_failed');
      assert.match(error.message, /^Plugin "missing" could not be read from .*no-such-plugin\.wasm: /);
      return true;
    });
    assert.equal(pluginWorkerCounts().started, before.started);
  });

  it('passes blocks larger than 1 MiB both ways intact', async () => {
    const env: NodeJS.ProcessEnv = {};
    const plugin = await load('big', 'probe/host-probe', { env });
    const value = randomBytes(1.2 * 1024 * 1024).toString('base64');
    // guest -> host: set_env_var's value block; host -> guest: get_env_var's answer, then the output.
    await plugin.callRaw('probe_set_env_var', `BIG=${value}`);
    assert.equal(env.BIG, value);
    assert.equal(await plugin.callRaw('probe_get_env_var', 'BIG'), value);
    await plugin.close();
  });

  it("sends a plugin's creation and its first call to the worker in one message", async () => {
    await startAfresh();
    const lines: string[] = [];
    const plugin = await load('one-message', 'probe/host-probe', { env: { WHO: 'one-message' } });
    const before = pluginWorkerCounts().operations;
    assert.equal(await tracing(lines, () => plugin.callRaw('probe_get_env_var', 'WHO')), 'one-message');
    assert.equal(pluginWorkerCounts().operations - before, 1, 'the creation carried the first call');
    assert.equal(await tracing(lines, () => plugin.callRaw('probe_get_env_var', 'WHO')), 'one-message');
    assert.equal(pluginWorkerCounts().operations - before, 2, 'a later call is one message too');
    const own = lines.filter((line) => line.startsWith('[TRACE plugin:one-message]'));
    assert.equal(own.filter((line) => / started in [\d.]+ ms in plugin worker \d+$/.test(line)).length, 1, own.join('\n'));
  });

  it("runs a first call's onStart when its creation is sent and again once the instance is made: a bound each", async () => {
    await startAfresh();
    // bad-json imports no host function: the pool alone hosts it (its output is not read here).
    const module = await compilePluginModule(readFileSync(fixturePlugin('hostile/bad-json')), undefined, () => 'bad-json');
    const plugin = hostPlugin('two-bounds', { module, config: {}, allowedPaths: {}, functions: {}, logger: console });
    try {
      // At each onStart: how many instances the plugin had made.
      const first: number[] = [];
      await plugin.call('register_tool', '{}', () => first.push(plugin.instances));
      assert.deepEqual(first, [0, 1], 'sent with its creation, then made');
      const second: number[] = [];
      await plugin.call('register_tool', '{}', () => second.push(plugin.instances));
      assert.deepEqual(second, [1], 'a later call has one bound');
    } finally {
      await plugin.close();
    }
  });

  it('stops a creation that never ends at its bound, and the plugin queued behind it goes on in a fresh worker', async () => {
    await startAfresh();
    // Nobody moves before the start's bound: only terminating the worker ends the creation.
    await withMoveBounds({ stalledMs: 60_000, pauseAfterMs: 60_000 }, async () => {
      const looping = await load('loop-start', 'hostile/loop-start', { timeoutMs: 1000 });
      const behind = await load('behind-start', 'probe/host-probe', { env: { WHO: 'behind-start' } });
      const before = pluginWorkerCounts();
      const stopped = looping.callRaw('register_tool', '{}').then(
        () => assert.fail('the start returned'),
        (error: unknown) => error,
      );
      const answer = behind.callRaw('probe_get_env_var', 'WHO');
      const error = await within30s(stopped, 'the looping start');
      assert.ok(error instanceof ProtoError, String(error));
      assert.equal(error.code, 'plugin.timeout');
      assert.match(error.message, /Plugin "loop-start" failed in function "register_tool": it ran longer than its bound of 1 s/);
      assert.equal(await within30s(answer, 'the call queued behind the start'), 'behind-start');
      assert.equal(pluginWorkerCounts().started - before.started, 1, 'one worker in place of the stopped one');
    });
  });

  it('keeps a plugin working when its neighbour loops and is stopped: it is made again in a fresh worker', async () => {
    await startAfresh();
    const looping = await load('looping', 'hostile/loop', { timeoutMs: 2000 });
    const neighbour = await load('neighbour', 'probe/host-probe', { env: { WHO: 'neighbour' } });
    assert.equal(await neighbour.callRaw('probe_get_env_var', 'WHO'), 'neighbour');
    const before = pluginWorkerCounts();
    // Nothing is queued behind the loop (a queued call would move to another worker after
    // STALLED_MS): stopping the loop ends the worker the neighbour was made in.
    const stopped = await looping.callRaw('register_tool', '{}').then(
      () => assert.fail('the loop returned'),
      (error: unknown) => error,
    );
    assert.ok(stopped instanceof ProtoError);
    assert.equal(stopped.code, 'plugin.timeout');
    assert.match(stopped.message, /Plugin "looping" failed in function "register_tool": it ran longer than its bound of 2 s/);
    assert.equal(await neighbour.callRaw('probe_get_env_var', 'WHO'), 'neighbour');
    assert.equal(pluginWorkerCounts().started - before.started, 1, 'one worker started in place of the stopped one');
  });

  it('answers a host call that waits for the network while another plugin of the worker waits its turn: a wait shorter than its bound gives nothing up', async () => {
    await startAfresh();
    // The request takes 150 ms: far below these bounds, whatever the machine's load.
    const lines: string[] = [];
    await withMoveBounds({ pauseAfterMs: 5000, stalledMs: 60_000 }, async () => {
      const waiting = await loadMade('waiting');
      const other = await loadMade('other', { who: 'other' });
      const before = pluginWorkerCounts();
      const [response, answer] = await tracing(lines, () =>
        Promise.all([waiting.callRaw('probe_send_request', JSON.stringify({ url: `${baseUrl}/slow` })), other.callRaw('probe_get_env_var', 'WHO')]),
      );
      assert.equal(JSON.parse(response).status, 200);
      assert.equal(answer, 'other');
      assert.equal(pluginWorkerCounts().started, before.started, 'the plugin queued behind the short wait did not move');
      assert.equal(pluginWorkerCounts().running, 1);
      assert.ok(!lines.some((line) => line.includes('gives its plugin worker up') || line.includes(' made again in ')), lines.join('\n'));
    });
  });

  it('has a call waiting for the network give its worker up to the plugins queued behind it, and run again with its answer', async () => {
    await startAfresh();
    // Only giving the worker up lets them answer (a computation's bound is out of reach).
    const lines: string[] = [];
    await withMoveBounds({ stalledMs: 60_000 }, async () => {
      const names = ['queued-a', 'queued-b', 'queued-c'];
      const queued = await Promise.all(names.map((name) => loadMade(name, { who: name })));
      const holding = await loadMade('holding-4');
      const before = pluginWorkerCounts();
      assert.equal(before.running, 1, 'all four plugins in one worker');
      // The request is held until the queued plugins have answered: in the worker it gave up.
      const hold = holdWorkerOf(holding);
      let heldCallEnded = false;
      void hold.status.finally(() => (heldCallEnded = true));
      try {
        const answers = tracing(lines, () => Promise.all(queued.map((plugin) => plugin.callRaw('probe_get_env_var', 'WHO'))));
        assert.deepEqual(await Promise.race([answers, sleep(30_000, 'still waiting behind the held call', { ref: false })]), names);
        assert.equal(heldCallEnded, false);
      } finally {
        hold.release();
      }
      assert.equal(await tracing(lines, () => hold.status), 200);
      assert.equal(pluginWorkerCounts().started, before.started, 'no worker started: they answered in the one the held call gave up');
      const own = lines.filter((line) => line.startsWith('[TRACE plugin:holding-4]'));
      assert.ok(own.some((line) => line.endsWith('] gives its plugin worker up while send_request waits; its call runs again when the answer is there')), lines.join('\n'));
      assert.ok(own.some((line) => / made again in .* \(a call of it gave the worker up while it waited\)$/.test(line)), lines.join('\n'));
      assert.ok(!lines.some((line) => line.includes('moves to another plugin worker')), lines.join('\n'));
    });
  });

  it('runs a call that gave its worker up again without repeating the host calls and log lines of its first run', async () => {
    await startAfresh();
    const lines: string[] = [];
    await withMoveBounds({ stalledMs: 60_000 }, async () => {
      const logging = await loadMade('logging');
      const neighbour = await loadMade('neighbour-2', { who: 'neighbour-2' });
      // Logs through log_trace (a host function) and log_info (the SDK's), then waits in send_request.
      const hold = await tracing(lines, async () => holdWorkerOf(logging, 'probe_log_then_request'));
      try {
        // Answered while the request is held: the call gave its worker up.
        const answer = await tracing(lines, () => Promise.race([neighbour.callRaw('probe_get_env_var', 'WHO'), sleep(30_000, 'still waiting behind the held call', { ref: false })]));
        assert.equal(answer, 'neighbour-2');
      } finally {
        hold.release();
      }
      assert.equal(await tracing(lines, () => hold.status), 200);
      assert.ok(lines.some((line) => line.startsWith('[TRACE plugin:logging] gives its plugin worker up while send_request waits')), lines.join('\n'));
      assert.deepEqual(
        lines.filter((line) => line.endsWith(' plugin:logging] before the request')),
        ['[TRACE plugin:logging] before the request', '[INFO  plugin:logging] before the request'],
        'each line once, in order, though the guest ran twice',
      );
    });
  });

  it('runs a call that gave its worker up again in an instance made in the same message as the call', async () => {
    await startAfresh();
    const lines: string[] = [];
    await withMoveBounds({ stalledMs: 60_000 }, async () => {
      const pausing = await loadMade('pausing');
      const neighbour = await loadMade('neighbour-5', { who: 'neighbour-5' });
      const before = pluginWorkerCounts().operations;
      const hold = holdWorkerOf(pausing);
      try {
        assert.equal(await tracing(lines, () => within30s(neighbour.callRaw('probe_get_env_var', 'WHO'), 'the call behind the held one')), 'neighbour-5');
      } finally {
        hold.release();
      }
      assert.equal(await tracing(lines, () => hold.status), 200);
      assert.ok(lines.some((line) => / made again in .* \(a call of it gave the worker up while it waited\)$/.test(line)), lines.join('\n'));
      // The held call, the neighbour's, and the held call again with its new instance.
      assert.equal(pluginWorkerCounts().operations - before, 3);
    });
  });

  it('stops a call that gave its worker up when its bound passes, and its neighbours go on', async () => {
    await startAfresh();
    await withMoveBounds({ stalledMs: 60_000 }, async () => {
      const bounded = await loadMade('bounded', { timeoutMs: 1000 });
      const neighbour = await loadMade('neighbour-3', { who: 'neighbour-3' });
      const before = pluginWorkerCounts();
      const hold = holdWorkerOf(bounded);
      try {
        assert.equal(await neighbour.callRaw('probe_get_env_var', 'WHO'), 'neighbour-3');
        const stopped = await Promise.race([hold.status.then(() => 'answered', (error: unknown) => error), sleep(30_000, 'never stopped', { ref: false })]);
        assert.ok(stopped instanceof ProtoError, String(stopped));
        assert.equal(stopped.code, 'plugin.timeout');
      } finally {
        hold.release();
      }
      // The worker it gave up was never stopped: the neighbour still answers there.
      assert.equal(await neighbour.callRaw('probe_get_env_var', 'WHO'), 'neighbour-3');
      assert.equal(pluginWorkerCounts().started, before.started);
    });
  });

  it('runs a call back with its answer, and a new call, while a neighbour waits for the network: the neighbour gives the worker up too', async () => {
    await startAfresh();
    await withMoveBounds({ stalledMs: 60_000 }, async () => {
      const [first, second, third] = await Promise.all(['back-a', 'back-b', 'back-c'].map((name) => loadMade(name, { who: name })));
      const before = pluginWorkerCounts();
      const a = gatedCall(first!, 'back-a');
      await a.arrived;
      // Answered in the worker the first call gave up.
      assert.equal(await within30s(third!.callRaw('probe_get_env_var', 'WHO'), 'the third plugin behind the first'), 'back-c');
      const b = gatedCall(second!, 'back-b');
      await b.arrived;
      try {
        // The first call's answer comes while the second waits, with nothing else queued: coming
        // back, it has the second give the worker up.
        a.release();
        assert.equal(await within30s(a.status, 'the first call back behind the second'), 200);
        // As does a new call: the second call's wait is still past its bound.
        assert.equal(await within30s(third!.callRaw('probe_get_env_var', 'WHO'), 'a new call behind the second'), 'back-c');
      } finally {
        b.release();
      }
      assert.equal(await b.status, 200);
      assert.equal(pluginWorkerCounts().started, before.started, 'all in the one worker');
    });
  });

  it('has a call that waits for the network longer than a computation may hold the worker give it up, not move its neighbours to a new worker', async () => {
    await startAfresh();
    const lines: string[] = [];
    await withMoveBounds({ stalledMs: 300 }, async () => {
      const waiting = await loadMade('long-wait');
      const late = await loadMade('late-2', { who: 'late-2' });
      const before = pluginWorkerCounts();
      const wait = gatedCall(waiting, 'long-wait');
      await wait.arrived;
      try {
        // Past the 300 ms a computation may hold the worker: still a wait for the network.
        await sleep(600);
        assert.equal(await tracing(lines, () => within30s(late.callRaw('probe_get_env_var', 'WHO'), 'the call behind the long wait')), 'late-2');
      } finally {
        wait.release();
      }
      assert.equal(await tracing(lines, () => wait.status), 200);
      assert.equal(pluginWorkerCounts().started, before.started, 'no worker started');
      assert.ok(lines.some((line) => line.startsWith('[TRACE plugin:long-wait] gives its plugin worker up')), lines.join('\n'));
      assert.ok(!lines.some((line) => line.includes('moves to another plugin worker')), lines.join('\n'));
    });
  });

  it("returns a plugin's failure while a neighbour's call holds their worker", async () => {
    await startAfresh();
    // Nobody moves (a slow spawn failure on a loaded machine would otherwise move the held call
    // away before it starts): the failure and the close run beside the held call, in its worker.
    await withMoveBounds({ pauseAfterMs: 60_000, stalledMs: 60_000 }, async () => {
      await failsBesideAHeldCall();
    });
  });

  async function failsBesideAHeldCall(): Promise<void> {
    const holding = await load('holding-2', 'probe/host-probe');
    const failing = await load('failing', 'probe/host-probe', { env: { WHO: 'failing' } });
    // Both made in the worker first: the held call is sent right after the failing one.
    assert.equal(await holding.callRaw('probe_get_env_var', 'WHO'), '');
    assert.equal(await failing.callRaw('probe_get_env_var', 'WHO'), 'failing');
    // The failing call runs first, the held one next; the failure ends the instance of its
    // plugin, which must not wait for the held call to end.
    const failure = failing.callRaw('probe_exec_command', JSON.stringify({ command: 'definitely-not-a-command-4711', args: [] })).then(
      () => assert.fail('the missing command ran'),
      (error: unknown) => error,
    );
    const hold = holdWorkerOf(holding);
    try {
      // The guards are unref'd: after the race they would keep this file's process alive for their
      // whole length; while they matter, the held request keeps it alive.
      const error = await Promise.race([failure, sleep(20_000, 'still waiting behind the held call', { ref: false })]);
      assert.ok(error instanceof ProtoError, String(error));
      assert.equal(error.code, 'plugin.host_function_failed');
      assert.equal(await Promise.race([failing.close().then(() => 'closed'), sleep(20_000, 'close waits behind the held call', { ref: false })]), 'closed');
    } finally {
      hold.release();
    }
    assert.equal(await hold.status, 200);
  }

  it("does not count the wait of a plugin's first call behind a neighbour's call against its bound", async () => {
    await startAfresh();
    // The wait (until the plugin moves) is twice its bound; the bound leaves a loaded machine
    // seconds for the plugin's creation and call, which are all it counts.
    await withMoveBounds({ stalledMs: 4000, pauseAfterMs: 4000 }, async () => {
      const holding = await load('holding-3', 'probe/host-probe');
      assert.equal(await holding.callRaw('probe_get_env_var', 'WHO'), '');
      const late = await load('late', 'probe/host-probe', { env: { WHO: 'late' }, timeoutMs: 2000 });
      const lateCall = late.callRaw('probe_get_env_var', 'WHO');
      const hold = holdWorkerOf(holding);
      try {
        assert.equal(await lateCall, 'late');
      } finally {
        hold.release();
      }
      assert.equal(await hold.status, 200);
    });
  });

  it('moves the plugins queued behind a host call that holds its worker past the bound, when it does not give the worker up', async () => {
    await startAfresh();
    // Never given up: only holding the worker past STALLED_MS moves the queued plugin.
    const restoreBounds = setMoveBounds({ pauseAfterMs: 60_000 });
    const before = pluginWorkerCounts();
    const holding = await load('holding', 'probe/host-probe');
    const queued = await load('queued', 'probe/host-probe', { env: { WHO: 'queued' } });
    assert.equal(await queued.callRaw('probe_get_env_var', 'WHO'), 'queued');
    // Made first: else the queued call, sent while the holding plugin is made, runs before the held one.
    assert.equal(await holding.callRaw('probe_get_env_var', 'WHO'), '');
    // The request is held until the other plugin has answered: it can only answer elsewhere.
    const hold = holdWorkerOf(holding);
    const lines: string[] = [];
    const level = getLogLevel();
    setLogLevel('trace');
    const sink = setLogSink((line) => lines.push(line));
    try {
      await sleep(50);
      const answer = await Promise.race([queued.callRaw('probe_get_env_var', 'WHO'), sleep(30_000, 'still waiting behind the held call', { ref: false })]);
      assert.equal(answer, 'queued');
      assert.equal(pluginWorkerCounts().started - before.started, 2, 'one worker for both, then one for the plugin that moved');
      // Its second instance is not a second start: `--log trace` users (and tests) count "started in".
      const own = lines.filter((line) => line.startsWith('[TRACE plugin:queued]'));
      assert.ok(own.some((line) => / made again in .* \(its previous worker was busy or stopped\)$/.test(line)), own.join('\n'));
      assert.ok(!own.some((line) => line.includes('] started in ')), own.join('\n'));
    } finally {
      setLogSink(sink);
      setLogLevel(level);
      hold.release();
      restoreBounds();
    }
    assert.equal(await hold.status, 200);
    assert.equal(await queued.callRaw('probe_get_env_var', 'WHO'), 'queued');
  });

  it('moves the plugins queued behind a computation that holds its worker past its bound, together into one worker', async () => {
    await startAfresh();
    // The loop is stopped by its bound: 20 times the 250 ms after which its neighbours move.
    const looping = await load('looping-2', 'hostile/loop', { timeoutMs: 5000 });
    const names = ['behind-a', 'behind-b', 'behind-c'];
    const queued = await Promise.all(names.map((name) => load(name, 'probe/host-probe', { env: { WHO: name } })));
    for (const [i, plugin] of queued.entries()) assert.equal(await plugin.callRaw('probe_get_env_var', 'WHO'), names[i]);
    const before = pluginWorkerCounts();
    const lines: string[] = [];
    const level = getLogLevel();
    setLogLevel('trace');
    const sink = setLogSink((line) => lines.push(line));
    let loopEnded = false;
    // The loop never calls the host: only the computation's bound (STALLED_MS) moves its neighbours.
    const loop = looping.callRaw('register_tool', '{}').then(
      () => assert.fail('the loop returned'),
      (error: unknown) => error,
    );
    void loop.finally(() => (loopEnded = true));
    try {
      // Its call is sent as soon as its instance is made: the neighbours' calls then queue behind it.
      for (let i = 0; i < 1500 && !lines.some((line) => line.startsWith('[TRACE plugin:looping-2] started in ')); i++) await sleep(20);
      await sleep(50);
      const answers = Promise.all(queued.map((plugin) => plugin.callRaw('probe_get_env_var', 'WHO')));
      assert.deepEqual(await Promise.race([answers, sleep(30_000, 'still waiting behind the loop', { ref: false })]), names);
      assert.equal(loopEnded, false, 'they answered while the loop ran');
      assert.equal(pluginWorkerCounts().started - before.started, 1, 'one worker for the three that moved');
      assert.ok(lines.some((line) => line.endsWith('moves to another plugin worker: a call of another plugin holds its worker')), lines.join('\n'));
    } finally {
      setLogSink(sink);
      setLogLevel(level);
    }
    const stopped = await loop;
    assert.ok(stopped instanceof ProtoError && stopped.code === 'plugin.timeout', String(stopped));
  });
});
