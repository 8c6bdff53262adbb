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

/** Reads nu words separated by spaces: '...' (no escapes) or r#'...'# raw strings (nushell book, "Working with strings"). */
function readNuWords(text: string): string[] {
  const words: string[] = [];
  let rest = text;
  while (rest.length > 0) {
    const raw = /^r(#+)'([\s\S]*?)'\1(?: |$)/.exec(rest);
    const single = /^'([^']*)'(?: |$)/.exec(rest);
    const match = raw ?? single;
    assert.ok(match, `not a nu string: ${rest}`);
    words.push(raw ? raw[2]! : single![1]!);
    rest = rest.slice(match[0].length);
  }
  return words;
}

/**
 * Reads murex words separated by spaces: '...' is literal; in "...", a backslash takes the next
 * character (s t r n would be whitespace), and an unescaped $ or ~ would expand (murex's
 * parse_quotes.go): the test refuses both.
 */
function readMurexWords(text: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    const quote = text[i];
    assert.ok(quote === "'" || quote === '"', `not a murex string at ${i}: ${text}`);
    let word = '';
    for (i++; text[i] !== quote; i++) {
      assert.ok(i < text.length, `unterminated: ${text}`);
      if (quote === '"' && text[i] === '\\') {
        assert.ok(!'strn'.includes(text[i + 1]!), 'an escaped letter would become whitespace');
        word += text[++i];
      } else {
        assert.ok(quote === "'" || !'$~'.includes(text[i]!), `would expand: ${text}`);
        word += text[i];
      }
    }
    words.push(word);
    i++;
    if (i < text.length) assert.equal(text[i++], ' ');
  }
  return words;
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

  it('pwsh and elvish: quotes doubled; nu: JSON; murex: single quotes, or double quotes with escapes', () => {
    assert.match(shellFor('pwsh').exports(statements()), /^\$env:PROJECT = 'it''s "q" \$HOME \\ end'$/m);
    assert.match(shellFor('pwsh').exports(statements()), /^Remove-Item -Path Env:GONE -ErrorAction SilentlyContinue$/m);
    assert.match(shellFor('elvish').exports(statements()), /^set-env PROJECT 'it''s "q" \$HOME \\ end'$/m);
    assert.match(shellFor('elvish').exports(statements()), /^set paths = \['\/p\/tools\/node\/20\/bin' '\/p\/shims'\]$/m);
    const nu = JSON.parse(shellFor('nu').exports(statements())) as { set: Record<string, unknown>; unset: string[] };
    assert.deepEqual(nu, { set: { PROJECT: TRICKY, PATH: ['/p/tools/node/20/bin', '/p/shims'], _PROTO_ACTIVATED_PWD: '/work/app' }, unset: ['GONE'] });
    const murex = shellFor('murex').exports(statements());
    assert.match(murex, /^\$ENV\.PROJECT="it's \\"q\\" \\\$HOME \\\\ end"$/m);
    assert.deepEqual(readMurexWords(murex.match(/^\$ENV\.PROJECT=(.*)$/m)![1]!), [TRICKY]);
    assert.match(murex, /^unset GONE$/m);
    assert.match(murex, /^\$ENV\.PATH='\/p\/tools\/node\/20\/bin:\/p\/shims'$/m);
  });

  it("each shell quotes the hook's command words its own way", () => {
    const word = "/o'dd \\ dir";
    assert.equal(shellFor('bash').quote(word), `'/o'\\''dd \\ dir'`);
    assert.equal(shellFor('fish').quote(word), `'/o\\'dd \\\\ dir'`);
    assert.equal(shellFor('pwsh').quote(word), `'/o''dd \\ dir'`);
    assert.equal(shellFor('elvish').quote(word), `'/o''dd \\ dir'`);
    assert.equal(shellFor('nu').quote(word), `r#'/o'dd \\ dir'#`);
    assert.equal(shellFor('nu').quote('/plain dir'), `'/plain dir'`);
    assert.equal(shellFor('murex').quote(word), `"/o'dd \\\\ dir"`);
    assert.equal(shellFor('murex').quote('/plain dir'), `'/plain dir'`);
  });

  it('nu and murex: every word comes back byte for byte by the shell\'s own quoting rules', () => {
    const words = ["/o'dd \\ dir", "a'#b'##c", 'it\'s $HOME ~ "q" \\n end', 'plain', '~/x', 'multi\nline\'s'];
    for (const word of words) {
      assert.deepEqual(readNuWords(shellFor('nu').quote(word)), [word], `nu: ${word}`);
      assert.deepEqual(readMurexWords(shellFor('murex').quote(word)), [word], `murex: ${word}`);
    }
  });

  it("nu and murex hooks: the command's words quoted by the shell object, run at once unless --no-init", () => {
    const words = ["/opt/it's here/node", "/opt/it's here/bin/proto.js", 'activate', 'SHELL', '--export'];
    for (const [name, read] of [['nu', readNuWords], ['murex', readMurexWords]] as const) {
      const shell = shellFor(name);
      const command = words.map((word) => shell.quote(word.replace('SHELL', name))).join(' ');
      const expected = words.map((word) => word.replace('SHELL', name));
      const withInit = shell.hook(command, true);
      const noInit = shell.hook(command, false);
      const calls = (text: string) =>
        name === 'nu'
          ? [...text.matchAll(/run-external (.*) \| from json\)$/gm)].map((match) => read(match[1]!))
          : [...text.matchAll(/^\s*(.*) -> source$/gm)].map((match) => read(match[1]!));
      assert.deepEqual(calls(noInit), [expected], `${name}: the hook runs exactly these words`);
      // murex runs the command itself at once; nu runs its hook closure.
      assert.deepEqual(calls(withInit), name === 'murex' ? [expected, expected] : [expected]);
      const initLine = name === 'nu' ? /^do --env \$_proto_activate_hook$/m : new RegExp(`^${command.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} -> source$`, 'm');
      assert.match(withInit, initLine, `${name}: activates at once`);
      assert.doesNotMatch(noInit, initLine, `${name}: --no-init waits for the first prompt`);
    }
  });

  it('nu hook: variables are removed in a for loop (nu drops the environment changes of an each closure)', () => {
    const hook = shellFor('nu').hook("'/usr/bin/node' '/x/proto.js' activate nu --export", true);
    assert.match(hook, /^\s*for name in \$activation\.unset \{ hide-env -i \$name \}$/m);
    assert.doesNotMatch(hook, /\beach\b.*hide-env/);
  });

  it('every shell has a hook that runs the given command', () => {
    for (const name of SHELL_NAMES) {
      const hook = shellFor(name).hook("'/usr/bin/node' '/x/proto.js' activate " + name + ' --export', true);
      assert.ok(hook.includes(`activate ${name} --export`), name);
    }
  });
});
