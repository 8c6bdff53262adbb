/**
 * The command line of the cached answers (src/cli/cached-answers.ts) against the program's: each
 * cached command takes exactly the arguments and options its commander definition gives it, so
 * that what the bundle answers, the program would have answered the same way; and what it does
 * not parse exactly (help, unknown options, missing values, extra arguments) is left to the program.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CACHED_COMMANDS, parseCachedCommandLine } from '../../../src/cli/cached-answers.js';
import { CACHED_COMMAND_NAMES, GLOBAL_FLAGS, GLOBAL_OPTIONS_WITH_VALUE, OWN_CODE_CACHE_COMMANDS, cachedCommand, programCodeCache } from '../../../src/cli/command-line.js';
import { createProgram } from '../../../src/cli/main.js';

describe('cached answers: command line', () => {
  it('knows the commands, aliases, arguments and options the program gives them', () => {
    assert.deepEqual(CACHED_COMMANDS.map((command) => command.name).sort(), Object.keys(CACHED_COMMAND_NAMES).sort());
    const program = createProgram();
    const programFlags = program.options.filter((option) => option.long !== '--version').flatMap((option) => [option.long, option.short].filter(Boolean));
    assert.deepEqual(programFlags.sort(), [...GLOBAL_FLAGS, ...GLOBAL_OPTIONS_WITH_VALUE].sort());
    for (const command of CACHED_COMMANDS) {
      const defined = program.commands.find((candidate) => candidate.name() === command.name);
      assert.ok(defined, `the program has no ${command.name} command`);
      assert.deepEqual(defined.aliases(), [...command.aliases], command.name);
      const args = defined.registeredArguments;
      assert.ok(args.every((arg) => !arg.variadic), command.name);
      assert.deepEqual(command.args, { min: args.filter((arg) => arg.required).length, max: args.length }, command.name);
      // Its own options (not the copies of the program's): each answered here or left to the program.
      const own = defined.options.filter((option) => !option.hidden);
      assert.deepEqual(own.flatMap((option) => [option.long, option.short].filter(Boolean)).sort(), [...command.flags, ...command.programOnly].sort(), command.name);
      for (const option of own) assert.ok(!option.required && !option.optional, `${command.name} ${option.flags} takes a value`);
    }
  });

  it('parses what the program parses the same way', () => {
    const parsed = (...args: string[]) => {
      const result = parseCachedCommandLine(args);
      return result && { command: result.command.name, args: result.line.args, flags: [...result.line.flags].sort(), options: result.options };
    };
    assert.deepEqual(parsed('lsr', 'node', '--json'), { command: 'list-remote', args: ['node'], flags: ['--json'], options: { json: true } });
    assert.deepEqual(parsed('--log', 'trace', '-c', 'local', 'bin', 'node', '20', '--shim'), { command: 'bin', args: ['node', '20'], flags: ['--shim'], options: { log: 'trace', configMode: 'local' } });
    assert.deepEqual(parsed('--json', 'status', '--config-mode=global', '--log=debug', '-y'), { command: 'status', args: [], flags: ['--json'], options: { json: true, log: 'debug', configMode: 'global', yes: true } });
    assert.deepEqual(parsed('ls'), { command: 'list', args: [], flags: [], options: {} });
  });

  it('leaves to the program what it does not parse exactly', () => {
    for (const args of [
      [],
      ['install', 'node'],
      ['--help'],
      ['status', '-h'],
      ['list-remote', 'node', '--refresh'],
      ['list-remote'],
      ['bin', 'node', '20', 'extra'],
      ['status', 'extra'],
      ['status', '--bogus'],
      ['status', '--json=yes'],
      ['--log'],
      ['--log', '--json', 'status'],
      ['-cglobal', 'status'],
      ['-yc', 'global', 'status'],
      ['status', '--', 'x'],
      ['--shim', 'bin', 'node'],
    ]) {
      assert.equal(parseCachedCommandLine(args), undefined, args.join(' '));
    }
  });

  it('lets the launcher skip the bundle for other commands', () => {
    assert.equal(cachedCommand(['--log', 'trace', 'ls']), 'list');
    assert.equal(cachedCommand(['--log=trace', '-y', 'status']), 'status');
    assert.equal(cachedCommand(['install', 'list']), undefined);
    assert.equal(cachedCommand(['-c', 'status', 'install']), undefined);
    assert.equal(cachedCommand([]), undefined);
  });

  it('names the code caches of frequent commands after the program\'s commands and aliases', () => {
    const program = createProgram();
    for (const [name, aliases] of Object.entries(OWN_CODE_CACHE_COMMANDS)) {
      const defined = program.commands.find((candidate) => candidate.name() === name);
      assert.ok(defined, `the program has no ${name} command`);
      assert.deepEqual(defined.aliases(), [...aliases], name);
    }
    assert.equal(programCodeCache(['--log', 'trace', 'i', 'node']), 'install');
    assert.equal(programCodeCache(['plugin', 'install', 'x']), 'plugin');
    assert.equal(programCodeCache(['-y', 'r', 'node', '--', 'install']), 'run');
    assert.equal(programCodeCache(['debug', 'config']), undefined);
    assert.equal(programCodeCache(['no-such-command']), undefined);
    assert.equal(programCodeCache([]), undefined);
  });
});
