/**
 * The shells `proto activate` (and `completions`) speak: how each one sets and removes a variable,
 * sets PATH, defines an alias, and runs proto's hook. One object per shell; everything shell-
 * specific about activation lives here.
 *
 * Values come from `.prototools` files, env files and plugins: they are quoted for the shell, never
 * pasted, and a variable or alias name the shell could not take literally is skipped.
 */
import { delimiter } from 'node:path';
import { quoteShellWord } from '../../link/index.js';

export const SHELL_NAMES = ['bash', 'zsh', 'fish', 'pwsh', 'elvish', 'nu', 'murex'] as const;
export type ShellName = (typeof SHELL_NAMES)[number];

/** What must still hold for an activation to be current (checked by the hook with builtins). */
export interface Freshness {
  pwd: string;
  /** Variables that decided the result; undefined = was unset. */
  vars: Record<string, string | undefined>;
  /** Candidate files that did not exist. */
  absent: string[];
  /** Files that existed; none may be newer than `stamp`. */
  present: string[];
  /** A file whose mtime is the newest of `present`. */
  stamp: string;
}

export interface ActivationStatements {
  /** Variables to set (string) or remove (null), PATH excluded. */
  env: Array<[name: string, value: string | null]>;
  /** The whole new PATH, in order. */
  path: string[] | undefined;
  aliases: Array<[name: string, command: string | null]>;
  freshness: Freshness;
}

export interface Shell {
  name: ShellName;
  /** Quotes one word, e.g. for the hook's own command line. */
  quote(word: string): string;
  /** The statements `activate --export` prints. */
  exports(statements: ActivationStatements): string;
  /** The hook `activate` prints; `command` runs `proto activate <shell> --export …`, already quoted. */
  hook(command: string, init: boolean): string;
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ALIAS_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** 'text' for shells whose single quotes are escaped by doubling (pwsh, elvish). */
function quoteDoubling(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** fish: single quotes, where only `\\` and `\'` are escapes. */
function quoteFish(value: string): string {
  return `'${value.replace(/[\\']/g, (char) => `\\${char}`)}'`;
}

/**
 * nu: '...' holds anything but a quote (no escapes); otherwise a raw string r#'...'#, with one
 * more # than any run of #s that follows a quote inside, so nothing inside can close it.
 */
function quoteNu(value: string): string {
  if (!/['\r\n]/.test(value)) return `'${value}'`;
  const longest = Math.max(0, ...[...value.matchAll(/'(#*)/g)].map((match) => match[1]!.length));
  const hashes = '#'.repeat(longest + 1);
  return `r${hashes}'${value}'${hashes}`;
}

/**
 * murex: '...' is literal but cannot hold a quote; "..." can, where a backslash escapes the next
 * character and `$` (variables) and `~` (home) expand unless escaped. Only those four characters
 * are escaped: a backslash before `s`, `t`, `r` or `n` would turn into whitespace.
 */
function quoteMurex(value: string): string {
  return value.includes("'") ? `"${value.replace(/[\\"$~]/g, (char) => `\\${char}`)}"` : `'${value}'`;
}

function safeEnv(env: ActivationStatements['env']) {
  return env.filter(([name]) => VARIABLE_NAME.test(name));
}

function safeAliases(aliases: ActivationStatements['aliases']) {
  return aliases.filter(([name]) => ALIAS_NAME.test(name));
}

/** bash and zsh share their statements; only the hook differs. */
function posixExports(statements: ActivationStatements): string {
  const q = quoteShellWord;
  const lines: string[] = [];
  for (const [name, value] of safeEnv(statements.env)) lines.push(value === null ? `unset ${name};` : `export ${name}=${q(value)};`);
  if (statements.path) lines.push(`export PATH=${q(statements.path.join(':'))};`);
  for (const [name, command] of safeAliases(statements.aliases)) lines.push(command === null ? `unalias ${name} 2>/dev/null;` : `alias ${name}=${q(command)};`);
  const { pwd, vars, absent, present, stamp } = statements.freshness;
  const checks = [`  [ "$PWD" = ${q(pwd)} ] || return 1`];
  for (const [name, value] of Object.entries(vars)) {
    if (!VARIABLE_NAME.test(name)) continue;
    checks.push(value === undefined ? `  [ -z "\${${name}+x}" ] || return 1` : `  [ -n "\${${name}+x}" ] && [ "\${${name}}" = ${q(value)} ] || return 1`);
  }
  for (const file of absent) checks.push(`  [ -e ${q(file)} ] && return 1`);
  if (present.length > 0) checks.push(`  [ -e ${q(stamp)} ] || return 1`);
  for (const file of present) checks.push(`  [ ${q(file)} -nt ${q(stamp)} ] && return 1`);
  lines.push('_proto_activate_fresh() {', ...checks, '  return 0', '}');
  return lines.join('\n');
}

const bash: Shell = {
  name: 'bash',
  quote: quoteShellWord,
  exports: posixExports,
  hook: (command, init) =>
    [
      '_proto_activate_hook() {',
      '  local previous_exit=$?',
      '  if ! declare -F _proto_activate_fresh >/dev/null || ! _proto_activate_fresh; then',
      `    eval "$(${command})"`,
      '  fi',
      '  return $previous_exit',
      '}',
      'if [[ ";${PROMPT_COMMAND:-};" != *";_proto_activate_hook;"* ]]; then',
      '  PROMPT_COMMAND="_proto_activate_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}"',
      'fi',
      ...(init ? ['_proto_activate_hook'] : []),
      '',
    ].join('\n'),
};

const zsh: Shell = {
  name: 'zsh',
  quote: quoteShellWord,
  exports: posixExports,
  hook: (command, init) =>
    [
      '_proto_activate_hook() {',
      '  if ! (( ${+functions[_proto_activate_fresh]} )) || ! _proto_activate_fresh; then',
      `    eval "$(${command})"`,
      '  fi',
      '}',
      'autoload -Uz add-zsh-hook',
      'add-zsh-hook precmd _proto_activate_hook',
      'add-zsh-hook chpwd _proto_activate_hook',
      ...(init ? ['_proto_activate_hook'] : []),
      '',
    ].join('\n'),
};

const fish: Shell = {
  name: 'fish',
  quote: quoteFish,
  exports(statements) {
    const q = quoteFish;
    const lines: string[] = [];
    for (const [name, value] of safeEnv(statements.env)) lines.push(value === null ? `set -e ${name};` : `set -gx ${name} ${q(value)};`);
    if (statements.path) lines.push(`set -gx PATH ${statements.path.map(q).join(' ')};`);
    for (const [name, command] of safeAliases(statements.aliases)) lines.push(command === null ? `functions -e ${name};` : `alias ${name} ${q(command)};`);
    const { pwd, vars, absent, present, stamp } = statements.freshness;
    const checks = [`  test "$PWD" = ${q(pwd)}; or return 1`];
    for (const [name, value] of Object.entries(vars)) {
      if (!VARIABLE_NAME.test(name)) continue;
      checks.push(value === undefined ? `  set -q ${name}; and return 1` : `  set -q ${name}; and test "$${name}" = ${q(value)}; or return 1`);
    }
    for (const file of absent) checks.push(`  test -e ${q(file)}; and return 1`);
    if (present.length > 0) checks.push(`  test -e ${q(stamp)}; or return 1`);
    for (const file of present) checks.push(`  test ${q(file)} -nt ${q(stamp)}; and return 1`);
    lines.push('function _proto_activate_fresh', ...checks, '  return 0', 'end');
    return lines.join('\n');
  },
  hook: (command, init) =>
    [
      'function _proto_activate_hook --on-event fish_prompt --on-variable PWD',
      '  if not functions -q _proto_activate_fresh; or not _proto_activate_fresh',
      `    ${command} | source`,
      '  end',
      'end',
      ...(init ? ['_proto_activate_hook'] : []),
      '',
    ].join('\n'),
};

/*
 * pwsh, elvish, nu and murex have no freshness function: they re-activate when the directory
 * changes (their hook compares $PWD with the one the last activation recorded).
 */
const pwsh: Shell = {
  name: 'pwsh',
  quote: quoteDoubling,
  exports(statements) {
    const q = quoteDoubling;
    const lines: string[] = [];
    for (const [name, value] of safeEnv(statements.env)) lines.push(value === null ? `Remove-Item -Path Env:${name} -ErrorAction SilentlyContinue` : `$env:${name} = ${q(value)}`);
    if (statements.path) lines.push(`$env:PATH = ${q(statements.path.join(delimiter))}`);
    for (const [name, command] of safeAliases(statements.aliases)) {
      lines.push(command === null ? `Remove-Item -Path Function:${name} -ErrorAction SilentlyContinue` : `function global:${name} { ${command} @args }`);
    }
    lines.push(`$env:_PROTO_ACTIVATED_PWD = ${q(statements.freshness.pwd)}`);
    return lines.join('\n');
  },
  hook: (command, init) =>
    [
      'function global:_proto_activate_hook {',
      '  if ($env:_PROTO_ACTIVATED_PWD -ne $PWD.Path) {',
      `    $output = & ${command} | Out-String`,
      '    if ($output) { Invoke-Expression $output }',
      '  }',
      '}',
      '$global:_ProtoPreviousPrompt = $function:prompt',
      'function global:prompt { _proto_activate_hook; & $global:_ProtoPreviousPrompt }',
      ...(init ? ['_proto_activate_hook'] : []),
      '',
    ].join('\n'),
};

const elvish: Shell = {
  name: 'elvish',
  quote: quoteDoubling,
  exports(statements) {
    const q = quoteDoubling;
    const lines: string[] = [];
    for (const [name, value] of safeEnv(statements.env)) lines.push(value === null ? `unset-env ${name}` : `set-env ${name} ${q(value)}`);
    if (statements.path) lines.push(`set paths = [${statements.path.map(q).join(' ')}]`);
    lines.push(`set-env _PROTO_ACTIVATED_PWD ${q(statements.freshness.pwd)}`);
    return lines.join('\n');
  },
  hook: (command, init) =>
    [
      'fn _proto_activate_hook {',
      '  if (not-eq $E:_PROTO_ACTIVATED_PWD $pwd) {',
      `    eval (${command} | slurp)`,
      '  }',
      '}',
      'set edit:before-readline = [$@edit:before-readline $_proto_activate_hook~]',
      ...(init ? ['_proto_activate_hook'] : []),
      '',
    ].join('\n'),
};

/**
 * nu cannot evaluate text: `--export` prints JSON ({ set, unset }) that the hook loads. The hook is
 * a closure kept in a variable, so that it can also run at once (unless --no-init).
 */
const nu: Shell = {
  name: 'nu',
  quote: quoteNu,
  exports(statements) {
    const set: Record<string, string | string[]> = {};
    const unset: string[] = [];
    for (const [name, value] of safeEnv(statements.env)) {
      if (value === null) unset.push(name);
      else set[name] = value;
    }
    if (statements.path) set.PATH = statements.path;
    set._PROTO_ACTIVATED_PWD = statements.freshness.pwd;
    return JSON.stringify({ set, unset });
  },
  hook: (command, init) =>
    [
      'let _proto_activate_hook = {||',
      "  if ($env._PROTO_ACTIVATED_PWD? | default '') != $env.PWD {",
      // run-external takes the program as a string: a quoted or raw-string path is fine there.
      `    let activation = (run-external ${command} | from json)`,
      // `for`, not `each`: nu keeps the environment changes of a loop body, not of an each closure.
      '    for name in $activation.unset { hide-env -i $name }',
      '    load-env $activation.set',
      '  }',
      '}',
      '$env.config = ($env.config | upsert hooks.pre_prompt (($env.config.hooks.pre_prompt? | default []) | append $_proto_activate_hook))',
      ...(init ? ['do --env $_proto_activate_hook'] : []),
      '',
    ].join('\n'),
};

const murex: Shell = {
  name: 'murex',
  quote: quoteMurex,
  exports(statements) {
    const q = quoteMurex;
    const lines: string[] = [];
    for (const [name, value] of safeEnv(statements.env)) lines.push(value === null ? `unset ${name}` : `$ENV.${name}=${q(value)}`);
    if (statements.path) lines.push(`$ENV.PATH=${q(statements.path.join(':'))}`);
    lines.push(`$ENV._PROTO_ACTIVATED_PWD=${q(statements.freshness.pwd)}`);
    return lines.join('\n');
  },
  hook: (command, init) =>
    [
      'event: onPrompt proto_activate=before {',
      '  if { $ENV._PROTO_ACTIVATED_PWD != $PWD } then {',
      `    ${command} -> source`,
      '  }',
      '}',
      ...(init ? [`${command} -> source`] : []),
      '',
    ].join('\n'),
};

const SHELLS: Record<ShellName, Shell> = { bash, zsh, fish, pwsh, elvish, nu, murex };

export function isShellName(name: string): name is ShellName {
  return (SHELL_NAMES as readonly string[]).includes(name);
}

export function shellFor(name: ShellName): Shell {
  return SHELLS[name];
}
