// Reading a plugin call's input and writing its output.
import { output_set } from "@extism/as-pdk/lib/env";
import { Result, err } from "./result";
import { JsonReader } from "./json/reader";
import { parseJson } from "./json/parse";
import { decodeUtf8, readInputBytes, writeBlock, encodeUtf8 } from "./memory";

/** The raw input of the current call as UTF-8 text. */
export function readInputText(): string {
  return decodeUtf8(readInputBytes());
}

/**
 * Parses the call input as JSON and decodes it with `decode` (usually a
 * type's static `fromJson`). Errors name the function and the problem, e.g.
 * `load_versions: invalid input: field `initial` is missing`.
 *
 *     const input = readInput<LoadVersionsInput>("load_versions", LoadVersionsInput.fromJson);
 *     if (input.isErr) return pluginError(input.error);
 *
 * An empty input counts as `{}`, which is what hosts send to input-less calls.
 */
export function readInput<T>(functionName: string, decode: (json: JsonReader) => T): Result<T> {
  let text = readInputText();
  if (text.trim().length == 0) text = "{}";
  const parsed = parseJson(text);
  if (parsed.isErr) return err<T>(functionName + ": input is not valid JSON: " + parsed.error);
  const reader = JsonReader.root(parsed.value, "the input");
  const value = decode(reader);
  return reader.finish<T>(value).withContext(functionName + ": invalid input");
}

/**
 * Sets `text` (JSON, usually `output.toJson()`) as the call's output, encoded
 * as UTF-8, and returns 0 — the success code for the exported function:
 *
 *     return writeOutput(output.toJson());
 */
export function writeOutput(text: string): i32 {
  return writeOutputBytes(encodeUtf8(text));
}

export function writeOutputBytes(bytes: Uint8Array): i32 {
  output_set(writeBlock(bytes), <u64>bytes.length);
  return 0;
}
