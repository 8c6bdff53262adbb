// Failing a plugin call.
//
// An exported plugin function reports failure by storing a message with
// Extism `error_set` and returning non-zero. Hosts surface the message (the JS
// SDK as `Plugin-originated error: <message>`); the Rust SDK also looks at
// the return code, so both halves matter.
import { error_set } from "@extism/as-pdk/lib/env";
import { writeStringBlock } from "./memory";

/**
 * Sets `message` as the error of the current call and returns the exit code
 * for the exported function to return:
 *
 *     if (input.isErr) return pluginError(input.error);
 */
export function pluginError(message: string, code: i32 = 1): i32 {
  error_set(writeStringBlock(message));
  return code != 0 ? code : 1;
}
