// Calling the functions proto hosts provide in `extism:host/user` (plugin-api §6).
//
// Every argument and result is the offset of an Extism memory block holding
// raw UTF-8 (names, values) or JSON (structured payloads). A function that is
// never called is not imported by the built module, so a plugin only
// requires the host functions it actually uses.
import { Result, err, ok } from "./result";
import { JsonReader } from "./json/reader";
import { JsonValue } from "./json/value";
import { JsonWriter } from "./json/write";
import { parseJson } from "./json/parse";
import { blockLength, freeBlock, readBlockPrefix, readBlockString, writeStringBlock } from "./memory";
import { ExecCommandInput, ExecCommandOutput, HttpResponse, LogTarget } from "./types/host";

// @ts-ignore: decorator
@external("extism:host/user", "exec_command")
declare function hostExecCommand(input: u64): u64;

// @ts-ignore: decorator
@external("extism:host/user", "get_env_var")
declare function hostGetEnvVar(name: u64): u64;

// @ts-ignore: decorator
@external("extism:host/user", "set_env_var")
declare function hostSetEnvVar(name: u64, value: u64): void;

// @ts-ignore: decorator
@external("extism:host/user", "host_log")
declare function hostLogImport(input: u64): void;

// @ts-ignore: decorator
@external("extism:host/user", "send_request")
declare function hostSendRequest(input: u64): u64;

/** Sends JSON to a host function and returns its JSON reply, parsed. */
function callWithJson(name: string, input: string, call: (input: u64) => u64): Result<JsonReader> {
  const inputBlock = writeStringBlock(input);
  const outputBlock = call(inputBlock);
  freeBlock(inputBlock);
  const text = readBlockString(outputBlock);
  freeBlock(outputBlock);
  const parsed = parseJson(text);
  if (parsed.isErr) return err<JsonReader>("host function " + name + " returned invalid JSON: " + parsed.error);
  const reader = JsonReader.root(parsed.value, "the " + name + " result");
  return reader.finish<JsonReader>(reader);
}

/**
 * Runs a command on the host and waits for it. A non-zero exit code is not
 * an error here: check `output.exitCode` / `output.succeeded`.
 *
 *     const command = new ExecCommandInput("git", ["--version"]);
 *     const output = exec(command);
 */
export function exec(input: ExecCommandInput): Result<ExecCommandOutput> {
  const reply = callWithJson("exec_command", input.toJson(), hostExecCommand);
  if (reply.isErr) return err<ExecCommandOutput>(reply.error);
  const json = reply.value;
  const output = ExecCommandOutput.fromJson(json);
  return json.finish<ExecCommandOutput>(output).withContext("exec_command(" + input.command + ")");
}

/** A variable of the host process environment; null when unset or empty. */
export function getEnvVar(name: string): string | null {
  const nameBlock = writeStringBlock(name);
  const valueBlock = hostGetEnvVar(nameBlock);
  freeBlock(nameBlock);
  // Hosts answer "" for unset; the JS SDK cannot store an empty block and
  // returns offset 0 instead. Both mean "not set".
  if (valueBlock == 0) return null;
  const value = readBlockString(valueBlock);
  freeBlock(valueBlock);
  return value.length > 0 ? value : null;
}

/** Sets a variable in the host process (seen by later commands and by the tool). */
export function setEnvVar(name: string, value: string): void {
  const nameBlock = writeStringBlock(name);
  const valueBlock = writeStringBlock(value);
  hostSetEnvVar(nameBlock, valueBlock);
  freeBlock(nameBlock);
  freeBlock(valueBlock);
}

/**
 * Appends directories to the host's PATH (proto converts virtual paths to
 * real ones and appends rather than replaces).
 */
export function addHostPaths(paths: string[]): void {
  setEnvVar("PATH", paths.join(":"));
}

/**
 * Logs through the host: `stdout`/`stderr` targets print to the user, the
 * others go to the host's log at that level (see LogTarget). `data` is an
 * optional JSON object of extra fields.
 */
export function hostLog(message: string, target: string = LogTarget.Trace, data: JsonValue | null = null): void {
  const input = new JsonWriter()
    .beginObject()
    .stringField("message", message)
    .stringField("target", target)
    .optionalValueField("data", data)
    .endObject()
    .toString();
  const inputBlock = writeStringBlock(input);
  hostLogImport(inputBlock);
  freeBlock(inputBlock);
}

/**
 * GET `url` through the host (which applies proxies, certificates and its
 * cache). Any HTTP status is a successful result; only a transport failure
 * makes the host fail the call. See fetchText/fetchJson for the common case.
 */
export function sendRequest(url: string, headers: Map<string, string> | null = null): Result<HttpResponse> {
  const input = new JsonWriter()
    .beginObject()
    .stringField("url", url)
    .optionalStringMapField("headers", headers)
    .endObject()
    .toString();
  const reply = callWithJson("send_request", input, hostSendRequest);
  if (reply.isErr) return err<HttpResponse>(reply.error);
  return readSendRequestOutput(url, reply.value);
}

/**
 * Decodes `{"body": [...], "body_length": N, "body_offset": OFFSET, "status": S}`.
 * proto does not inline the body: it stores the bytes in a separate memory
 * block and sends `body: []` with that block's offset and length. The body is
 * read from the block only when `body` is empty, as proto's own PDK does, so
 * hosts may also inline small bodies as a byte array.
 */
function readSendRequestOutput(url: string, json: JsonReader): Result<HttpResponse> {
  if (!json.has("status")) json.fail("status", "is missing");
  const status = json.integerOr("status", 0);
  const bodyLength = json.unsignedOr("body_length", 0);
  const offsetJson = json.value("body_offset");
  if (offsetJson !== null && !offsetJson.isNumber) json.fail("body_offset", "must be a number, got " + offsetJson.kindName);
  if (json.failed) return err<HttpResponse>("send_request(" + url + ") returned an invalid result: " + json.error);

  const inline = json.value("body");
  if (inline !== null && inline.length > 0) {
    const body = readByteArray(inline);
    if (body === null) return err<HttpResponse>("send_request(" + url + ") returned an invalid `body`: expected an array of bytes");
    return ok<HttpResponse>(new HttpResponse(url, status, body));
  }
  if (bodyLength == 0) return ok<HttpResponse>(new HttpResponse(url, status, new Uint8Array(0)));

  const offset = offsetJson !== null ? findBodyBlock(offsetJson, <u64>bodyLength) : 0;
  if (offset == 0 || bodyLength > i32.MAX_VALUE) {
    return err<HttpResponse>(
      "send_request(" + url + ") returned body_length " + bodyLength.toString() + " at body_offset " +
        (offsetJson !== null ? offsetJson.numberText : "(missing)") + ", but no memory block of that size is there",
    );
  }
  const body = readBlockPrefix(offset, <u64>bodyLength);
  freeBlock(offset);
  return ok<HttpResponse>(new HttpResponse(url, status, body));
}

/**
 * The offset of the block holding the body, or 0 when none fits.
 *
 * A JS host writes the u64 offset as a JS number. The JS SDK's offsets are
 * `blockIndex << 48`, which exceed 2^53 from the 32nd block on, and
 * `JSON.stringify` then prints the shortest decimal that rounds to the same
 * double (`39125021762781184` → `39125021762781180`). Above 2^53 the literal
 * is therefore read as the double it denotes first (a Rust host's offsets are
 * real memory addresses, far below 2^53), then as the exact integer. The
 * block must hold at least `bodyLength` bytes, so a host bug becomes an
 * error message instead of a read past the end of a block.
 */
function findBodyBlock(offsetJson: JsonValue, bodyLength: u64): u64 {
  const exact = offsetJson.asNonNegativeInteger();
  if (exact > 0 && exact <= MAX_SAFE_INTEGER) {
    return blockLength(<u64>exact) >= bodyLength ? <u64>exact : 0;
  }
  const nearest = offsetJson.asF64();
  if (nearest > 0 && nearest < 18446744073709551616.0 && Math.floor(nearest) == nearest) {
    const rounded = <u64>nearest;
    if (blockLength(rounded) >= bodyLength) return rounded;
  }
  if (exact > 0 && blockLength(<u64>exact) >= bodyLength) return <u64>exact;
  return 0;
}

const MAX_SAFE_INTEGER: i64 = 9007199254740991;

function readByteArray(json: JsonValue): Uint8Array | null {
  if (!json.isArray) return null;
  const bytes = new Uint8Array(json.length);
  for (let i = 0; i < json.length; i++) {
    const item = json.at(i)!;
    const byte = item.asNonNegativeInteger();
    if (byte < 0 || byte > 255) return null;
    bytes[i] = <u8>byte;
  }
  return bytes;
}

/** GET `url`; a non-2xx status is an error naming the URL and status. */
export function fetch(url: string, headers: Map<string, string> | null = null): Result<HttpResponse> {
  const response = sendRequest(url, headers);
  if (response.isErr) return response;
  const status = response.value.status;
  if (status < 200 || status >= 300) {
    return err<HttpResponse>("GET " + url + " failed with HTTP status " + status.toString());
  }
  return response;
}

/** GET `url` as text; non-2xx is an error. */
export function fetchText(url: string, headers: Map<string, string> | null = null): Result<string> {
  const response = fetch(url, headers);
  if (response.isErr) return err<string>(response.error);
  return ok<string>(response.value.text());
}

/** GET `url` as JSON; non-2xx or invalid JSON is an error naming the URL. */
export function fetchJson(url: string, headers: Map<string, string> | null = null): Result<JsonValue> {
  const response = fetch(url, headers);
  if (response.isErr) return err<JsonValue>(response.error);
  return response.value.json();
}
