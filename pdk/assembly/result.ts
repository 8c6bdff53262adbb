// A value-or-error container. AssemblyScript has no exceptions, so every PDK
// operation that can fail returns a Result and the plugin decides what to do
// (usually: `if (r.isErr) return pluginError(r.error)`).
//
// `T` must be a reference type (string, array, class); AssemblyScript cannot
// express `i32 | null`, which the container needs internally.

// Every PDK module depends on this one, so importing the abort handler here
// guarantees `--use abort=protoPdkAbort` (see bin/build.mjs) always resolves.
import "./abort";

export class Result<T> {
  private _value: T | null = null;
  private _error: string | null = null;

  get isOk(): bool {
    return this._error === null;
  }

  get isErr(): bool {
    return this._error !== null;
  }

  /** The error message; "" on success. */
  get error(): string {
    const error = this._error;
    return error !== null ? error : "";
  }

  /**
   * The success value. Reading it from an error is a bug in the plugin: it
   * aborts with the error message (see abort.ts) instead of handing out null.
   */
  get value(): T {
    const error = this._error;
    if (error !== null) abort("Result.value read from an error: " + error);
    return changetype<T>(this._value);
  }

  /** Same error with `context: ` in front, to say where it happened. */
  withContext(context: string): Result<T> {
    if (this._error === null) return this;
    return err<T>(context + ": " + this.error);
  }

  static ok<T>(value: T): Result<T> {
    const result = new Result<T>();
    result._value = value;
    return result;
  }

  static err<T>(message: string): Result<T> {
    const result = new Result<T>();
    result._error = message;
    return result;
  }
}

export function ok<T>(value: T): Result<T> {
  return Result.ok<T>(value);
}

export function err<T>(message: string): Result<T> {
  return Result.err<T>(message);
}
