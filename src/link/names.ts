/**
 * Names that plugins and config files hand us and that end up in file names and sh scripts.
 * They are untrusted: an exe name like `../x` or one with a newline would write outside the shim
 * dir or inject shell code, so anything but a plain name is refused.
 */

/** A shim or bin name: letters, digits, `.`, `_`, `+`, `-`; not starting with a dot or dash. */
export function isSafeExecutableName(name: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9._+-]*$/.test(name);
}

/** A variable name a POSIX shell can export. */
export function isShellVariableName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}
