/**
 * The one error type the product throws on purpose.
 *
 * `code` is a stable dotted identifier (`plugin.timeout`, `install.checksum_mismatch`) that tests,
 * `--json` output and docs can rely on; `message` says what failed; `hint` says what to do about it.
 * Anything that is not a ProtoError reaching the CLI is a bug in our code, not in the user's input.
 */
export class ProtoError extends Error {
  readonly code: string;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProtoError';
    this.code = code;
    this.hint = options.hint;
  }
}

/** True when `error` is a ProtoError with the given code (or any code when none is given). */
export function isProtoError(error: unknown, code?: string): error is ProtoError {
  return error instanceof ProtoError && (code === undefined || error.code === code);
}
