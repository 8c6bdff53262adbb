/**
 * The activation statements of every shell, as text: values from config files are quoted for the
 * shell (never pasted), names a shell could not take literally are skipped. bash, zsh and fish
 * also run for real in test/e2e/activate-exec.test.ts; pwsh, elvish, nu and murex are checked here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SHELL_NAMES, shellFor, type ActivationStatements } from '../../../src/cli/shell/shells.js';

const TRICKY = `it's "q" $HOME \\ end`;

function statements(): ActivationStatements {
  return {
    env: [
      ['PROJECT', TRICKY],
      ['GONE', null],
      ['BAD-NAME', 'x'],
    ],
    path: ['/p/tools/node/20/bin', '/p/shims'],
    aliases: [['ll', 'ls -la']],
    freshness: { pwd: '/work/app', vars: { PROTO_HOME: '/p', PROTO_ENV: undefined }, absent: ['/work/app/.prototools'], present: ['/work/.prototools'], stamp: '/p/cache/activate/x.stamp' },
  };
}

describe('activation statements', () => {
  it('bash and zsh: POSIX quoting, unset, PATH, aliases and a builtin-only freshness function', () => {
    for (const name of ['bash', 'zsh'] as const) {
      const text = shellFor(name).exports(statements());
      assert.match(text, /^export PROJECT='it'\\''s "q" \$HOME \\ end';$/m);
      assert.match(text, /^unset GONE;$/m);
      assert.doesNotMatch(text, /BAD-NAME/);
      assert.match(text, /^export PATH=\/p\/tools\/node\/20\/bin:\/p\/shims;$/m);
      assert.match(text, /^alias ll='ls -la';$/m);
      assert.match(text, /^ {2}\[ -e \/work\/app\/\.prototools \] && return 1$/m);
      assert.match(text, /^ {2}\[ \/work\/\.prototools -nt \/p\/cache\/activate\/x\.stamp \] && return 1$/m);
      assert.match(text, /^ {2}\[ -z "\$\{PROTO_ENV\+x\}" \] \|\| return 1$/m);
    }
  });

  it('fish: backslash and quote escaped in single quotes', () => {
    const text = shellFor('fish').exports(statements());
    assert.match(text, /^set -gx PROJECT 'it\\'s "q" \$HOME \\\\ end';$/m);
    assert.match(text, /^set -gx PATH '\/p\/tools\/node\/20\/bin' '\/p\/shims';$/m);
  });

  it('pwsh and elvish: quotes doubled; nu: JSON; murex: values it cannot quote are left out', () => {
    assert.match(shellFor('pwsh').exports(statements()), /^\$env:PROJECT = 'it''s "q" \$HOME \\ end'$/m);
    assert.match(shellFor('pwsh').exports(statements()), /^Remove-Item -Path Env:GONE -ErrorAction SilentlyContinue$/m);
    assert.match(shellFor('elvish').exports(statements()), /^set-env PROJECT 'it''s "q" \$HOME \\ end'$/m);
    assert.match(shellFor('elvish').exports(statements()), /^set paths = \['\/p\/tools\/node\/20\/bin' '\/p\/shims'\]$/m);
    const nu = JSON.parse(shellFor('nu').exports(statements())) as { set: Record<string, unknown>; unset: string[] };
    assert.deepEqual(nu, { set: { PROJECT: TRICKY, PATH: ['/p/tools/node/20/bin', '/p/shims'], _PROTO_ACTIVATED_PWD: '/work/app' }, unset: ['GONE'] });
    const murex = shellFor('murex').exports(statements());
    assert.doesNotMatch(murex, /PROJECT/);
    assert.match(murex, /^\$ENV\.PATH='\/p\/tools\/node\/20\/bin:\/p\/shims'$/m);
  });

  it("each shell quotes the hook's command words its own way", () => {
    const word = "/o'dd \\ dir";
    assert.equal(shellFor('bash').quote(word), `'/o'\\''dd \\ dir'`);
    assert.equal(shellFor('fish').quote(word), `'/o\\'dd \\\\ dir'`);
    assert.equal(shellFor('pwsh').quote(word), `'/o''dd \\ dir'`);
    assert.equal(shellFor('elvish').quote(word), `'/o''dd \\ dir'`);
  });

  it('every shell has a hook that runs the given command', () => {
    for (const name of SHELL_NAMES) {
      const hook = shellFor(name).hook("'/usr/bin/node' '/x/proto.js' activate " + name + ' --export', true);
      assert.ok(hook.includes(`activate ${name} --export`), name);
    }
  });
});
