// The handler for AssemblyScript's `abort` (failed assertions, out-of-range
// array access, `Result.value` on an error, ...). The build command wires it
// in with `--use abort=protoPdkAbort`; without that, asc would import
// `env.abort`, which no Extism host provides, and instantiation would fail.
//
// A trap cannot be turned into a normal return, so the handler records the
// message twice before trapping: with `error_set` (hosts that read the error
// after a trap show it) and with `log_error` (the JS SDK 1.0.3 loses the error
// on a trap and only reports `RuntimeError: unreachable`, but logs this line).
// Plugins should not rely on this path: validate and use pluginError().
import { error_set, log_error } from "@extism/as-pdk/lib/env";
import { writeStringBlock } from "./memory";

// Set while the message is being reported, so an abort raised by that
// reporting itself (out of memory) traps at once instead of recursing.
let reporting = false;

@global
export function protoPdkAbort(
  message: string | null = null,
  fileName: string | null = null,
  line: u32 = 0,
  column: u32 = 0,
): void {
  if (!reporting) {
    reporting = true;
    const text =
      "plugin aborted: " +
      (message !== null ? message : "(no message)") +
      (fileName !== null ? " at " + fileName + ":" + line.toString() + ":" + column.toString() : "");
    const offset = writeStringBlock(text);
    log_error(offset);
    error_set(offset);
    // The instance may serve more calls after this trap: report those too.
    reporting = false;
  }
  unreachable();
}
