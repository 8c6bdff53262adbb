/**
 * Each host function, driven through a real WASM guest (fixtures/plugins/probe/host-probe.wat)
 * running in the real Extism worker: the probe hands its input to the host function and returns
 * the host's answer.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { PluginContainer } from '../../../src/host/index.js';
import { httpGetWith } from '../../../src/host/http-get.js';
import { getLogLevel, setLogLevel, setLogSink, type LogLevel } from '../../../src/log.js';
import { createSandbox, type Sandbox } from '../../../test-utils/index.js';
import { fixturePlugin } from '../../support/fixtures.js';

function capture() {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('host functions', () => {
  let sandbox: Sandbox;
  let plugin: PluginContainer;
  let env: NodeJS.ProcessEnv;
  let server: Server;
  let baseUrl: string;
  const stdout = capture();
  const stderr = capture();

  before(async () => {
    sandbox = createSandbox();
    env = { ...sandbox.env, KEEP_ME: 'host', DROP_ME: 'host' };
    server = createServer((request, response) => {
      if (request.url === '/empty') {
        response.writeHead(200, { 'content-length': '0' }).end();
      } else if (request.url === '/index.json') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ versions: ['1.0.0'], seen: request.headers['x-probe'] ?? null }));
      } else {
        response.writeHead(404).end('nope');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    plugin = await PluginContainer.load({
      id: 'probe',
      wasm: fixturePlugin('probe/host-probe'),
      dirs: sandbox.dirs,
      env,
      stdout: stdout.stream,
      stderr: stderr.stream,
    });
  });

  after(async () => {
    await plugin?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    sandbox?.cleanup();
  });

  const exec = async (input: object) => JSON.parse(await plugin.callRaw('probe_exec_command', JSON.stringify(input)));

  describe('exec_command', () => {
    it('captures output and returns a non-zero exit code without failing', async () => {
      const output = await exec({ command: 'sh', args: ['-c', 'echo out; echo err >&2; exit 3'] });
      assert.deepEqual(output, { command: 'sh -c echo out; echo err >&2; exit 3', exit_code: 3, stderr: 'err\n', stdout: 'out\n', streamed: false });
    });

    it('applies env suffixes: `?` only when unset, `!` removes', async () => {
      const output = await exec({
        command: 'sh',
        args: ['-c', 'echo "$NEW|$KEEP_ME|$FILL_ME|${DROP_ME-unset}"'],
        env: { NEW: 'plugin', 'KEEP_ME?': 'plugin', 'FILL_ME?': 'plugin', 'DROP_ME!': '' },
      });
      assert.equal(output.stdout, 'plugin|host|plugin|unset\n');
    });

    it('accepts the 0.28 `env_vars` key', async () => {
      const output = await exec({ command: 'sh', args: ['-c', 'echo $OLD'], env_vars: { OLD: 'yes' } });
      assert.equal(output.stdout, 'yes\n');
    });

    it('runs a command given as a virtual path, making it executable first', async () => {
      const script = join(sandbox.protoHome, 'tools', 'probe', '1.0.0', 'run.sh');
      mkdirSync(join(script, '..'), { recursive: true });
      writeFileSync(script, '#!/bin/sh\necho "ran $1"\n', { mode: 0o644 });
      const output = await exec({ command: '/proto/tools/probe/1.0.0/run.sh', args: ['ok'], set_executable: true });
      assert.equal(output.stdout, 'ran ok\n');
    });

    it('converts a virtual cwd (and the legacy working_dir) to the real dir', async () => {
      assert.equal((await exec({ command: 'pwd', cwd: '/cwd' })).stdout.trim(), sandbox.cwd);
      assert.equal((await exec({ command: 'pwd', working_dir: { path: '/userhome', virtual_prefix: '/userhome', real_prefix: '/ignored' } })).stdout.trim(), sandbox.home);
      assert.equal((await exec({ command: 'pwd' })).stdout.trim(), sandbox.cwd);
    });

    it('prepends `paths` (virtual or real) to PATH for the lookup and the child', async () => {
      const dir = join(sandbox.protoHome, 'extra-bin');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'only-here'), '#!/bin/sh\necho found\n');
      chmodSync(join(dir, 'only-here'), 0o755);
      const output = await exec({ command: 'only-here', paths: ['/proto/extra-bin'] });
      assert.equal(output.stdout, 'found\n');
    });

    it('streams to the host streams when asked', async () => {
      const output = await exec({ command: 'sh', args: ['-c', 'echo streamed-line'], stream: true });
      assert.equal(output.streamed, true);
      assert.equal(output.stdout, '');
      assert.match(stdout.text(), /streamed-line/);
    });

    it('names a missing working directory instead of blaming the command', async () => {
      await assert.rejects(
        exec({ command: 'sh', args: ['-c', 'true'], cwd: '/cwd/not-there' }),
        /host function "exec_command" failed: working directory .*not-there does not exist/,
      );
    });

    it('reports -1 for a child killed by a signal', async () => {
      assert.equal((await exec({ command: 'sh', args: ['-c', 'kill -9 $$'] })).exit_code, -1);
    });
  });

  describe('env vars', () => {
    it('get_env_var reads the host env and returns "" when unset', async () => {
      assert.equal(await plugin.callRaw('probe_get_env_var', 'KEEP_ME'), 'host');
      assert.equal(await plugin.callRaw('probe_get_env_var', 'NOT_SET_ANYWHERE'), '');
    });

    it('set_env_var sets a variable that later commands see', async () => {
      await plugin.callRaw('probe_set_env_var', 'PROBE_VALUE=from plugin = yes');
      assert.equal(env.PROBE_VALUE, 'from plugin = yes');
      assert.equal((await exec({ command: 'sh', args: ['-c', 'echo $PROBE_VALUE'] })).stdout, 'from plugin = yes\n');
    });

    it('set_env_var PATH appends real dirs converted from virtual ones', async () => {
      const before = env.PATH;
      await plugin.callRaw('probe_set_env_var', 'PATH=/proto/bin;/userhome/.local/bin');
      assert.equal(env.PATH, `${before}:${join(sandbox.protoHome, 'bin')}:${join(sandbox.home, '.local/bin')}`);
    });
  });

  describe('host_log', () => {
    it('prints stdout/stderr targets for the user, style tags stripped, data appended', async () => {
      await plugin.callRaw('probe_host_log', JSON.stringify({ message: 'Installed <id>probe</id>', target: 'stdout', data: { n: 1 } }));
      await plugin.callRaw('probe_host_log', JSON.stringify({ message: 'careful', target: 'stderr' }));
      assert.match(stdout.text(), /Installed probe \(\{"n":1\}\)\n/);
      assert.match(stderr.text(), /careful\n/);
    });

    it('sends other targets to the logger at their level (tracing = trace)', async () => {
      const lines: string[] = [];
      const previous = setLogSink((line) => lines.push(line));
      const level = getLogLevel();
      setLogLevel('trace');
      try {
        await plugin.callRaw('probe_host_log', JSON.stringify({ message: 'dbg', target: 'debug' }));
        await plugin.callRaw('probe_host_log', JSON.stringify({ message: 'old style', target: 'tracing' }));
        await plugin.callRaw('probe_host_log', JSON.stringify({ message: 'no target' }));
        await plugin.callRaw('probe_log_trace', 'kernel trace');
      } finally {
        setLogLevel(level);
        setLogSink(previous);
      }
      assert.ok(lines.includes('[DEBUG plugin:probe] dbg'), lines.join('\n'));
      assert.ok(lines.includes('[TRACE plugin:probe] old style'));
      assert.ok(lines.includes('[TRACE plugin:probe] no target'));
      assert.ok(lines.includes('[TRACE plugin:probe] kernel trace'));
    });

    it('get_log_level answers with extism-pdk numbering', async () => {
      const level = getLogLevel();
      const expected: Array<[LogLevel, string]> = [['trace', '0'], ['debug', '1'], ['info', '2'], ['warn', '3'], ['error', '4']];
      try {
        for (const [name, digit] of expected) {
          setLogLevel(name);
          assert.equal(await plugin.callRaw('probe_log_level', ''), digit, name);
        }
      } finally {
        setLogLevel(level);
      }
    });
  });

  // @extism/extism 1.0.3 in its worker mode sent a guest block to the host on each host call and
  // never sent it back: a write into an older block after a host call was lost (the probe wrote
  // "ok" and read back "o\0"). Our worker pool copies blocks to the main thread, never back.
  it('keeps a guest block written after a host call', async () => {
    assert.equal(await plugin.callRaw('probe_block_across_host_call', ''), 'ok');
  });

  describe('send_request', () => {
    it('GETs a real server and returns the body as an offset/length pair', async () => {
      const output = JSON.parse(await plugin.callRaw('probe_send_request', JSON.stringify({ url: `${baseUrl}/index.json`, headers: { 'x-probe': 'yes' } })));
      const expectedBody = JSON.stringify({ versions: ['1.0.0'], seen: 'yes' });
      assert.deepEqual(output.body, []);
      assert.equal(output.status, 200);
      assert.equal(output.body_length, Buffer.byteLength(expectedBody));
      assert.ok(output.body_offset > 0, 'the body lives in its own memory block');
    });

    it('returns any HTTP status to the guest instead of failing', async () => {
      const output = JSON.parse(await plugin.callRaw('probe_send_request', JSON.stringify({ url: `${baseUrl}/missing` })));
      assert.equal(output.status, 404);
      assert.equal(output.body_length, 4);
    });
  });

  describe("the kernel's http_request (plugins built before proto 0.40)", () => {
    it('goes through our network layer: url-rewrites apply, any status is returned', async () => {
      const rewritten = await PluginContainer.load({
        id: 'old-http',
        wasm: fixturePlugin('probe/host-probe'),
        dirs: sandbox.dirs,
        env,
        httpGet: httpGetWith({ urlRewrites: [['^https://plugins\\.example\\.invalid/', `${baseUrl}/`]] }),
      });
      try {
        const ok = await rewritten.callRaw('probe_http_request', JSON.stringify({ url: 'https://plugins.example.invalid/index.json' }));
        assert.equal(ok, `200 ${JSON.stringify({ versions: ['1.0.0'], seen: null })}`);
        assert.equal(await rewritten.callRaw('probe_http_request', JSON.stringify({ url: 'https://plugins.example.invalid/gone' })), '404 nope');
      } finally {
        await rewritten.close();
      }
    });

    it('fails the call naming http_request when the request cannot be made', async () => {
      const offline = await PluginContainer.load({
        id: 'old-http-offline',
        wasm: fixturePlugin('probe/host-probe'),
        dirs: sandbox.dirs,
        env,
        httpGet: () => Promise.reject(new Error('the network is off')),
      });
      try {
        await assert.rejects(offline.callRaw('probe_http_request', JSON.stringify({ url: `${baseUrl}/index.json` })), {
          code: 'plugin.host_function_failed',
          message: /Plugin "old-http-offline" failed in function "probe_http_request": host function "http_request" failed: the network is off/,
        });
      } finally {
        await offline.close();
      }
    });
  });

  // A Rust guest (extism-pdk) reads every host result as `length(offset)` bytes, with no special
  // case for offset 0; the probe reports that length. Offset 0 would read as one NUL byte.
  describe('empty results are real zero-length blocks', () => {
    let lengths: PluginContainer;
    before(async () => {
      lengths = await PluginContainer.load({ id: 'lengths', wasm: fixturePlugin('probe/result-lengths'), dirs: sandbox.dirs, env });
    });
    after(() => lengths.close());

    it('get_env_var of an unset or empty variable', async () => {
      env.SET_BUT_EMPTY = '';
      assert.equal(await lengths.callRaw('length_get_env_var', 'NOT_SET_ANYWHERE'), '0');
      assert.equal(await lengths.callRaw('length_get_env_var', 'SET_BUT_EMPTY'), '0');
      assert.equal(await lengths.callRaw('length_get_env_var', 'KEEP_ME'), '4');
    });

    it('from_virtual_path of an empty path', async () => {
      assert.equal(await lengths.callRaw('length_from_virtual_path', ''), '0');
      assert.equal(await lengths.callRaw('length_from_virtual_path', '/protox'), '7');
    });

    it("send_request's body block for an empty body", async () => {
      assert.equal(await lengths.callRaw('length_send_request_body', JSON.stringify({ url: `${baseUrl}/empty` })), '0');
      assert.equal(await lengths.callRaw('length_send_request_body', JSON.stringify({ url: `${baseUrl}/missing` })), '4');
    });

    it("the kernel's http_request for an empty body", async () => {
      assert.equal(await lengths.callRaw('length_http_request', JSON.stringify({ url: `${baseUrl}/empty` })), '0');
      assert.equal(await lengths.callRaw('length_http_request', JSON.stringify({ url: `${baseUrl}/missing` })), '4');
    });

    it('the probes of every host function see "" for an empty answer, not "\\0"', async () => {
      assert.equal(await plugin.callRaw('probe_get_env_var', 'NOT_SET_ANYWHERE'), '');
      assert.equal(await plugin.callRaw('probe_from_virtual_path', ''), '');
      assert.equal(await plugin.callRaw('probe_http_request', JSON.stringify({ url: `${baseUrl}/empty` })), '200 ');
    });
  });

  describe('legacy virtual path functions', () => {
    it('from_virtual_path returns the real path, or the input when unmapped', async () => {
      assert.equal(await plugin.callRaw('probe_from_virtual_path', '/proto/tools/node'), join(sandbox.protoHome, 'tools/node'));
      assert.equal(await plugin.callRaw('probe_from_virtual_path', '/protox/a'), '/protox/a');
    });

    it('to_virtual_path returns the VirtualPath JSON', async () => {
      assert.deepEqual(JSON.parse(await plugin.callRaw('probe_to_virtual_path', join(sandbox.home, 'x'))), {
        path: '/userhome/x',
        virtual_prefix: '/userhome',
        real_prefix: sandbox.home,
      });
      assert.deepEqual(JSON.parse(await plugin.callRaw('probe_to_virtual_path', '/temp/node')), {
        path: '/temp/node',
        virtual_prefix: '/temp',
        real_prefix: sandbox.temp,
      });
      assert.equal(JSON.parse(await plugin.callRaw('probe_to_virtual_path', '/etc/hosts')), '/etc/hosts');
    });
  });
});
