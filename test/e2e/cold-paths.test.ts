/**
 * Cold paths of the built CLI, spawned as users run it: help and --version come from the launcher
 * without the program, in the program's own words; commands whose answer is on disk (list-remote
 * with cached versions, bin, list, status, run) answer without starting the plugin, and a change
 * to what the plugin is loaded with (its tool config, its file) starts it again. The launcher keeps
 * V8's code cache of the bundled program in the store, on every Node.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, closeSync, constants, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { collectHelpTexts } from '../../src/cli/help-texts.js';
import { createProgram } from '../../src/cli/main.js';
import { fixturePlugin, repoRoot } from '../support/fixtures.js';
import { useCliFixture } from './support/cli-sandbox.js';

const fixture = useCliFixture();
/** The store's own code cache, not the one the test run shares (see test/support/cli.ts). */
const storeCodeCache = { PROTO_CODE_CACHE_DIR: undefined };

/** The plugin was started in this run: it logs each call it answers with its duration. */
const startedPlugin = (stderr: string) => /starting the plugin|\] [a-z_]+ took [\d.]+ ms/.test(stderr);

describe('cold paths', () => {
  it('prints help and the version from the build, as the program prints them', async () => {
    const built = JSON.parse(readFileSync(join(repoRoot, 'dist/cli/help.json'), 'utf8'));
    assert.deepEqual(built, collectHelpTexts(createProgram()), 'dist/cli/help.json was written from another program than src/');
    const sandbox = fixture.sandboxWith('');
    for (const [args, path] of [[['--help'], ''], [['install', '--help'], 'install'], [['help', 'lsr'], 'list-remote'], [[], '']] as const) {
      const result = await sandbox.run(args);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, built.texts[path], `proto ${args.join(' ')}`);
    }
    const version = await sandbox.run(['--version']);
    assert.equal(version.stdout, `${JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version}\n`);
    // Into a file (written with write(2), not through process.stdout): the same bytes.
    const file = join(sandbox.root, 'help.txt');
    const out = openSync(file, 'w');
    try {
      const result = spawnSync(process.execPath, [join(repoRoot, 'bin/proto.js'), '--help'], { cwd: sandbox.cwd, env: sandbox.env, stdio: ['ignore', out, 'pipe'] });
      assert.equal(result.status, 0, String(result.stderr));
    } finally {
      closeSync(out);
    }
    assert.equal(readFileSync(file, 'utf8'), built.texts['']);
  });

  it('answers list-remote, bin, list, status and run from disk without starting the plugin', async () => {
    const sandbox = fixture.sandboxWith('');
    // A copy of the plugin, so the test can touch and replace it.
    const wasm = join(sandbox.root, 'disttool.wasm');
    copyFileSync(fixturePlugin('disttool'), wasm);
    const config = (distUrl: string) =>
      `disttool = "2.1.0"\n[plugins.tools]\ndisttool = "file://${wasm}"\n[tools.disttool]\ndist-url = "${distUrl}"\n`;
    sandbox.writeConfig(config(fixture.dist.url));
    const installed = await sandbox.run(['install', 'disttool']);
    assert.equal(installed.code, 0, installed.stderr);
    const listed = await sandbox.run(['list-remote', 'disttool']);
    assert.equal(listed.code, 0, listed.stderr);

    for (const args of [['list-remote', 'disttool'], ['bin', 'disttool'], ['list'], ['status'], ['run', 'disttool', '--', 'hello']]) {
      const result = await sandbox.run(['--log', 'trace', ...args]);
      assert.equal(result.code, 0, result.stderr);
      assert.ok(!startedPlugin(result.stderr), `proto ${args.join(' ')} started the plugin:\n${result.stderr}`);
    }
    const bin = await sandbox.run(['--log', 'trace', 'bin', 'disttool']);
    assert.match(bin.stderr, /register_tool answered from the metadata cache/);
    assert.match(bin.stderr, /locate_executables answered from the metadata cache/);
    assert.equal(bin.stdout.trim(), join(sandbox.protoHome, 'tools/disttool/2.1.0/bin/disttool'));
    const run = await sandbox.run(['run', 'disttool', '--', 'hello']);
    assert.equal(run.stdout, 'disttool 2.1.0 hello\n');

    // Touched, same bytes: still the same plugin.
    const later = new Date(Date.now() + 5_000);
    utimesSync(wasm, later, later);
    const touched = await sandbox.run(['--log', 'trace', 'bin', 'disttool']);
    assert.ok(!startedPlugin(touched.stderr), touched.stderr);

    // Other bytes at the same path: the cached answers are not this plugin's.
    copyFileSync(fixturePlugin('hooked-disttool'), wasm);
    const replaced = await sandbox.run(['--log', 'trace', 'bin', 'disttool']);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.match(replaced.stderr, /plugin metadata of disttool: cache stale/);
    assert.ok(startedPlugin(replaced.stderr), replaced.stderr);
    // The plugin ran (under WASI), yet Node 20's warning about WASI is not shown.
    assert.doesNotMatch(replaced.stderr, /ExperimentalWarning|--trace-warnings/);

    // Other tool config: another entry, asked afresh once, then cached too.
    sandbox.writeConfig(config(`${fixture.dist.url}/`));
    const reconfigured = await sandbox.run(['--log', 'trace', 'bin', 'disttool']);
    assert.match(reconfigured.stderr, /plugin metadata of disttool: cache miss/);
    assert.ok(startedPlugin(reconfigured.stderr), reconfigured.stderr);
    const again = await sandbox.run(['--log', 'trace', 'bin', 'disttool']);
    assert.ok(!startedPlugin(again.stderr), again.stderr);
  });

  it('answers from the cached-answers bundle as the program answers, and hands over what it cannot answer', async () => {
    const sandbox = fixture.sandboxWith((url) => `disttool = "2.1.0"\n[plugins.tools]\ndisttool = "file://${fixturePlugin('disttool')}"\n[tools.disttool]\ndist-url = "${url}"\n`);
    assert.equal((await sandbox.run(['install', 'disttool'])).code, 0);
    assert.equal((await sandbox.run(['list-remote', 'disttool'])).code, 0);
    const fromCaches = /\[TRACE cli\] [a-z-]+ answered from the caches/;
    const handedOver = /\[TRACE cli\] handing over to the full program: (.*)/;
    const commands = [['list-remote', 'disttool'], ['lsr', 'disttool', '--json', '--include-prerelease'], ['bin', 'disttool'], ['bin', 'disttool', '2.1'], ['--json', 'bin', '--shim', 'disttool'],
      ['list'], ['ls', 'disttool', '--json'], ['status'], ['-c', 'local', 'status', '--json'], ['--log=trace', 'status', '-y']];
    for (const args of commands) {
      const cached = await sandbox.run(['--log', 'trace', ...args]);
      assert.equal(cached.code, 0, cached.stderr);
      assert.match(cached.stderr, fromCaches, `proto ${args.join(' ')} was not answered by the cached-answers bundle`);
      assert.doesNotMatch(cached.stderr, handedOver);
      // The program, with every cache off (the plugin runs): the same answer.
      const program = await sandbox.run(['--log', 'trace', ...args], { env: { PROTO_CACHE: 'off' } });
      assert.equal(program.code, 0, program.stderr);
      assert.doesNotMatch(program.stderr, fromCaches);
      assert.match(program.stderr, handedOver);
      assert.equal(cached.stdout, program.stdout, `proto ${args.join(' ')}`);
    }

    // No cached version list: the program answers, and what the bundle held back is not shown.
    rmSync(join(sandbox.protoHome, 'tools/disttool/remote-versions.json'));
    const uncached = await sandbox.run(['--log', 'trace', 'list-remote', 'disttool']);
    assert.equal(uncached.code, 0, uncached.stderr);
    assert.match(uncached.stderr, /handing over to the full program: it loads \.\.\/host\/plugin-container\.js/);
    assert.match(uncached.stdout, /^2\.1\.0 +latest/);
    assert.equal(uncached.stderr.match(/plugin metadata of disttool: cache hit/g)?.length, 1, uncached.stderr);
    assert.equal(uncached.stderr.match(/\[TRACE config\] read /g)?.length, 1, uncached.stderr);

    // Errors are the program's: one report, with its code, hint and exit status, also as JSON.
    const unknown = await sandbox.run(['--json', 'bin', 'nosuch']);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr.match(/error\[tool\.unknown\]/g)?.length, 1, unknown.stderr);
    assert.equal(JSON.parse(unknown.stdout).error.code, 'tool.unknown');
    const missing = await sandbox.run(['bin', 'disttool', '9']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /error\[bin\.not_installed\]/);
    // What this does not parse exactly as commander does is the program's too.
    for (const [args, code] of [[['status', '--bogus'], 'cli.unknown_option'], [['status', 'extra'], 'cli.excess_arguments'], [['--log', 'loud', 'status'], 'cli.invalid_option']] as const) {
      const result = await sandbox.run(args);
      assert.equal(result.code, 1, result.stderr);
      assert.equal(result.stderr.match(/^error\[/gm)?.length, 1, result.stderr);
      assert.match(result.stderr, new RegExp(`error\\[${code.replace('.', '\\.')}\\]`));
    }
  });

  it('ends a cached answer interrupted by Ctrl-C with exit 130, having written nothing', async () => {
    const sandbox = fixture.sandboxWith((url) => `disttool = "2.1.0"\n[plugins.tools]\ndisttool = "file://${fixturePlugin('disttool')}"\n[tools.disttool]\ndist-url = "${url}"\n`);
    assert.equal((await sandbox.run(['install', 'disttool'])).code, 0);
    assert.equal((await sandbox.run(['list-remote', 'disttool'])).code, 0);
    // The cached version list becomes a FIFO: the answer waits in its read until the test writes it.
    const versions = join(sandbox.protoHome, 'tools/disttool/remote-versions.json');
    const text = readFileSync(versions);
    rmSync(versions);
    const made = spawnSync('mkfifo', [versions]);
    assert.equal(made.status, 0, String(made.stderr));
    const child = spawn(process.execPath, [join(repoRoot, 'bin/proto.js'), '--log', 'trace', 'list-remote', 'disttool'], { cwd: sandbox.cwd, env: sandbox.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = once(child, 'exit');
    // A writer can open a FIFO only once a reader has: then the answer is being worked out.
    let fd: number | undefined;
    for (let waited = 0; fd === undefined; waited++) {
      try {
        fd = openSync(versions, constants.O_WRONLY | constants.O_NONBLOCK);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
        // A guard against a hang, not a timing: the reader comes within the command's first second.
        assert.ok(waited < 6000 && child.exitCode === null, `proto never read the version list:\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    child.kill('SIGINT');
    writeSync(fd, text);
    closeSync(fd);
    const [code, signal] = await exited;
    assert.deepEqual({ code, signal }, { code: 130, signal: null }, stderr);
    assert.equal(stdout, '');
    assert.match(stderr, /interrupted/);
    assert.doesNotMatch(stderr, /answered from the caches|handing over/);
  });

  it('keeps the compiled program in the store, also where Node has a compile cache, and outlives a broken one', async () => {
    const sandbox = fixture.sandboxWith('');
    const run = () => sandbox.run(['list'], { env: storeCodeCache });
    const first = await run();
    assert.equal(first.code, 0, first.stderr);
    const dir = join(sandbox.protoHome, 'cache/code');
    // `list` being answered from the caches: cached.cjs's for `list` (see bin/proto.js), which checks the Node too.
    const names = readdirSync(dir).sort();
    assert.deepEqual(names.map((name) => name.replace(/-[0-9a-f]{8}-.*/, '')), ['cached-list']);
    const paths = names.map((name) => join(dir, name));
    for (const path of paths) assert.equal(statSync(path).mode & 0o777, 0o600);
    const path = paths[0]!;

    // The next run takes them as they are: a refused cache would be written again (a new file,
    // whose inode may be the old one's, freed just before).
    const stamps = () => paths.map((file) => {
      const { ino, mtimeNs } = statSync(file, { bigint: true });
      return `${ino} ${mtimeNs}`;
    });
    const kept = stamps();
    const second = await run();
    assert.equal(second.stdout, first.stdout);
    assert.deepEqual(stamps(), kept, 'a cache was refused and written again');

    // Another cached command keeps its own (the functions it compiles are not list's); a command
    // the program answers adds the program's.
    assert.equal((await sandbox.run(['status'], { env: storeCodeCache })).code, 0);
    const program = await sandbox.run(['debug', 'config'], { env: storeCodeCache });
    assert.equal(program.code, 0, program.stderr);
    assert.deepEqual(readdirSync(dir).map((name) => name.replace(/-[0-9a-f]{8}-.*/, '')).sort(), ['cached-list', 'cached-status', 'cli']);

    // Garbage: V8 refuses it, the program compiles from source and replaces it.
    writeFileSync(path, 'not a code cache');
    const third = await run();
    assert.equal(third.code, 0, third.stderr);
    assert.equal(third.stdout, first.stdout);
    assert.notEqual(readFileSync(path, 'utf8'), 'not a code cache');
  });

  it('keeps it in PROTO_CODE_CACHE_DIR instead when that directory is yours and no one else may write it', async () => {
    const sandbox = fixture.sandboxWith('');
    const storeDir = join(sandbox.protoHome, 'cache/code');
    const chosen = join(sandbox.root, 'code-cache');
    mkdirSync(chosen, { mode: 0o700 });
    chmodSync(chosen, 0o700);
    const first = await sandbox.run(['list'], { env: { PROTO_CODE_CACHE_DIR: chosen } });
    assert.equal(first.code, 0, first.stderr);
    const kinds = (dir: string) => readdirSync(dir).map((name) => name.replace(/-.*/, '')).sort();
    assert.deepEqual(kinds(chosen), ['cached']);
    assert.equal(existsSync(storeDir), false, 'the store got a code cache too');

    // Writable by others (or relative, or missing): ignored, the store's is used.
    const open = join(sandbox.root, 'open-cache');
    mkdirSync(open);
    chmodSync(open, 0o777);
    for (const dir of [open, join(sandbox.root, 'missing')]) {
      const result = await sandbox.run(['list'], { env: { PROTO_CODE_CACHE_DIR: dir } });
      assert.equal(result.stdout, first.stdout);
    }
    assert.deepEqual(readdirSync(open), []);
    // A relative path that names a good directory from where proto runs: ignored all the same.
    const relative = join(sandbox.cwd, 'relative-cache');
    mkdirSync(relative, { mode: 0o700 });
    chmodSync(relative, 0o700);
    const fromRelative = await sandbox.run(['list'], { env: { PROTO_CODE_CACHE_DIR: 'relative-cache' } });
    assert.equal(fromRelative.code, 0, fromRelative.stderr);
    assert.deepEqual(readdirSync(relative), []);
    assert.equal(existsSync(join(sandbox.root, 'missing')), false);
    assert.deepEqual(kinds(storeDir), ['cached']);
  });

  it('starts plugin workers from the bundled worker, and downloads with the undici bundled into the program', async () => {
    const sandbox = fixture.sandboxWith((distUrl) => `[plugins.tools]\ndisttool = "file://${fixturePlugin('disttool')}"\n[tools.disttool]\ndist-url = "${distUrl}"\n`);
    // Preloaded into every thread: a worker says which CommonJS modules it loaded once its entry
    // ran, the main thread which ones of undici it loaded by the end.
    const probe = join(sandbox.root, 'worker-probe.cjs');
    writeFileSync(
      probe,
      "if (!require('node:worker_threads').isMainThread) setImmediate(() => process.stderr.write(`worker modules: ${Object.keys(require.cache).join(' ')}\\n`));\n" +
        "else process.on('exit', () => process.stderr.write(`undici modules: ${Object.keys(require.cache).filter((path) => path.includes('/node_modules/undici/')).length}\\n`));\n",
    );
    // The tests' worker bundle variable (scripts/run-tests.mjs) is for the sources only: the built
    // program's worker is fixed when it is bundled (scripts/bundle-cli.mjs), whatever it names.
    const decoy = join(sandbox.root, 'decoy-worker.cjs');
    writeFileSync(decoy, "process.stderr.write('the decoy worker ran\\n');\n");
    const result = await sandbox.run(['list-remote', 'disttool', '--log', 'trace'], { env: { NODE_OPTIONS: `--require ${probe}`, PROTO_TEST_PLUGIN_WORKER: decoy } });
    assert.equal(result.code, 0, result.stderr);
    const modules = /^worker modules: (.*)$/m.exec(result.stderr)?.[1]?.split(' ');
    assert.ok(modules, `no plugin worker started:\n${result.stderr}`);
    assert.deepEqual(modules.filter((path) => path !== probe), [join(repoRoot, 'dist/bundle/plugin-worker.cjs')]);
    assert.match(result.stderr, /^\[TRACE plugin-worker\] worker 1 started in [\d.]+ ms \(plugin-worker\.cjs\)$/m);
    assert.doesNotMatch(result.stderr, /the decoy worker ran/);
    // list-remote fetched the version list (the plugin's load_versions, through our HTTP client).
    assert.match(result.stdout, /2\.1\.0/);
    assert.match(result.stderr, /^undici modules: 0$/m);
  });

  it('loads the plugin worker machinery only in commands that run a plugin', async () => {
    const sandbox = fixture.sandboxWith(() => '');
    const probe = join(sandbox.root, 'threads-probe.cjs');
    writeFileSync(probe, "process.on('exit', () => process.stderr.write(`worker_threads loaded: ${process.moduleLoadList.includes('NativeModule worker_threads')}\\n`));\n");
    // regen with nothing installed: the full program (not a cached answer), no plugin to run.
    const result = await sandbox.run(['regen'], { env: { NODE_OPTIONS: `--require ${probe}` } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^worker_threads loaded: false$/m);
  });

  it('keeps the program\'s code cache across commands that download (V8 flags are as they were when it is written)', async () => {
    const sandbox = fixture.sandboxWith((distUrl) => `[plugins.tools]\ndisttool = "file://${fixturePlugin('disttool')}"\n[tools.disttool]\ndist-url = "${distUrl}"\n`);
    const chosen = join(sandbox.root, 'code-cache');
    mkdirSync(chosen, { mode: 0o700 });
    chmodSync(chosen, 0o700);
    const install = (version: string) => sandbox.run(['install', 'disttool', version], { env: { PROTO_CODE_CACHE_DIR: chosen } });
    const first = await install('2.1.0');
    assert.equal(first.code, 0, first.stderr);
    // install keeps a cache of its own (src/cli/command-line.ts OWN_CODE_CACHE_COMMANDS).
    const [name, ...others] = readdirSync(chosen).filter((file) => file.startsWith('cli-'));
    assert.ok(name !== undefined && others.length === 0 && name.startsWith('cli-install-'), readdirSync(chosen).join(', '));
    // A refused cache would be written again: a new file (whose inode may be the old one's, freed just before).
    const stamp = () => {
      const { ino, mtimeNs } = statSync(join(chosen, name), { bigint: true });
      return `${ino} ${mtimeNs}`;
    };
    const written = stamp();
    for (const version of ['2.0.0', '1.4.2']) {
      const next = await install(version);
      assert.equal(next.code, 0, next.stderr);
      assert.equal(stamp(), written, `the code cache written after a download was refused by the next install (${version})`);
    }
    // Another command writes the program's shared cache, and leaves install's alone.
    const other = await sandbox.run(['debug', 'config'], { env: { PROTO_CODE_CACHE_DIR: chosen } });
    assert.equal(other.code, 0, other.stderr);
    assert.deepEqual(readdirSync(chosen).filter((file) => file.startsWith('cli-')).map((file) => file.replace(/-[0-9a-f]{8}-.*/, '')).sort(), ['cli', 'cli-install']);
    assert.equal(stamp(), written);
  });
});
