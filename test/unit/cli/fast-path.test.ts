/**
 * The launcher answers `--version` and help without building the program, from texts the build
 * takes from the program (dist/cli/help.json). These tests hold the two to the same words: each
 * stored text is what the program itself prints for that command, and the question parser sends
 * anything else to the program.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fastAnswer, helpRequest, helpWidth, storedHelp, type HelpTexts } from '../../../src/cli/fast-path.js';
import { collectHelpTexts } from '../../../src/cli/help-texts.js';
import { createProgram, main, renderError, standaloneCommand } from '../../../src/cli/main.js';

const notTty = { isTTY: false };

/** What `proto <args>` prints on stdout when the program answers, and its exit code. */
async function programOutput(args: string[]): Promise<{ stdout: string; code: number }> {
  let stdout = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write;
  try {
    const code = await main(['node', 'proto', ...args]);
    return { stdout, code };
  } finally {
    process.stdout.write = write;
  }
}

describe('help without the program', () => {
  const help = collectHelpTexts(createProgram());

  it('stores, for every command, exactly what the program prints for --help', async () => {
    const paths = Object.keys(help.texts);
    assert.ok(paths.length > 30, `only ${paths.length} commands`);
    for (const path of paths) {
      const args = path === '' ? ['--help'] : [...path.split(' '), '--help'];
      const printed = await programOutput(args);
      assert.equal(printed.code, 0, path);
      assert.equal(help.texts[path], printed.stdout, `proto ${args.join(' ')}`);
    }
    // The texts carry what commands add after their options (examples).
    assert.match(help.texts['list-remote']!, /Examples:\n {2}proto list-remote node/);
  });

  it('answers the ways of asking for help as the program does', async () => {
    for (const args of [[], ['-h'], ['help'], ['help', 'install'], ['lsr', '--help'], ['plugin', 'ls', '-h'], ['plugin', 'install', '--help']]) {
      const printed = await programOutput(args);
      assert.equal(printed.code, 0, args.join(' '));
      assert.equal(fastAnswer(args, notTty, () => help), printed.stdout, `proto ${args.join(' ')}`);
    }
  });

  it('leaves everything else to the program', () => {
    for (const args of [['install'], ['install', 'node', '--help'], ['--json', '--help'], ['help', 'install', 'node'], ['nosuch', '--help'], ['help', 'nosuch'], ['-V', '--help']]) {
      assert.equal(fastAnswer(args, notTty, () => help), undefined, args.join(' '));
    }
    assert.deepEqual(helpRequest(['plugin', 'install', '-h']), ['plugin', 'install']);
    assert.equal(storedHelp(help, ['plugin', 'nosuch']), undefined);
  });

  it('answers --version with the package version', () => {
    const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(fastAnswer(['--version'], notTty, () => undefined), `${version}\n`);
    assert.equal(fastAnswer(['-V'], notTty, () => undefined), `${version}\n`);
  });

  it('wraps at 80 columns, or a narrower terminal’s, and then asks the program', () => {
    assert.equal(helpWidth({ isTTY: false, columns: 40 }), 80);
    assert.equal(helpWidth({ isTTY: true, columns: 200 }), 80);
    assert.equal(helpWidth({ isTTY: true, columns: 60 }), 60);
    assert.equal(fastAnswer(['--help'], { isTTY: true, columns: 200 }, () => help), help.texts['']);
    assert.equal(fastAnswer(['--help'], { isTTY: true, columns: 60 }, () => help), undefined);
    const missing: () => HelpTexts | undefined = () => undefined;
    assert.equal(fastAnswer(['--help'], notTty, missing), undefined);
  });
});

describe('a program of one command', () => {
  const full = collectHelpTexts(createProgram());

  it('is built only for the frequent commands, named first after global options, without help', () => {
    assert.equal(standaloneCommand(['bin', 'node']), 'bin');
    assert.equal(standaloneCommand(['--log', 'trace', '-c', 'local', '--json', '-y', 'lsr', 'node']), 'lsr');
    assert.equal(standaloneCommand(['--log=trace', '--config-mode=global', 'run', 'node']), 'run');
    for (const args of [[], ['install', 'node'], ['completions', 'bash'], ['plugin', 'list'], ['bin', 'node', '--help'], ['-h', 'bin'], ['--nosuch', 'bin'], ['-yc', 'local', 'bin'], ['help', 'bin'], ['node', 'bin']]) {
      assert.equal(standaloneCommand(args), undefined, args.join(' '));
    }
  });

  it('has that command as the whole program has it: names, options and help', () => {
    for (const name of ['list-remote', 'lsr', 'bin', 'list', 'ls', 'status', 'run', 'r']) {
      const single = createProgram(name);
      assert.equal(single.commands.length, 1, name);
      const command = single.commands[0]!;
      assert.ok(command.name() === name || command.aliases().includes(name), `${name} registered ${command.name()}`);
      assert.equal(collectHelpTexts(single).texts[command.name()], full.texts[command.name()], name);
    }
  });

  it('parses and fails as the whole program does', async () => {
    for (const args of [['bin'], ['lsr'], ['ls', '--nosuch'], ['--log', 'nosuch', 'status'], ['run']]) {
      const printed = await captureStderr(() => main(['node', 'proto', ...args]));
      const whole = await captureStderr(async () => {
        try {
          await createProgram().parseAsync(['node', 'proto', ...args]);
          return 0;
        } catch (error) {
          return renderError(error);
        }
      });
      assert.notEqual(printed.code, 0, args.join(' '));
      assert.match(printed.stderr, /^error\[cli./m, args.join(' '));
      assert.deepEqual(printed, whole, args.join(' '));
    }
  });
});

/** What `run` writes on stderr, and what it returns. */
async function captureStderr(run: () => Promise<number>): Promise<{ stderr: string; code: number }> {
  let stderr = '';
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await run();
    return { stderr, code };
  } finally {
    process.stderr.write = write;
  }
}
