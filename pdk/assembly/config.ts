// Plugin configuration: the string map the host puts in the Extism manifest
// (`config`), read with the kernel's `config_get`. proto's keys: see the
// protocol plugin-api §3.
import { config_get } from "@extism/as-pdk/lib/env";
import { Result, ok, err } from "./result";
import { JsonReader } from "./json/reader";
import { JsonValue } from "./json/value";
import { parseJson } from "./json/parse";
import { freeBlock, readBlockString, writeStringBlock } from "./memory";

/** A config value, or null when the host did not set `key`. */
export function getConfig(key: string): string | null {
  const keyBlock = writeStringBlock(key);
  const valueBlock = config_get(keyBlock);
  freeBlock(keyBlock);
  if (valueBlock == 0) return null;
  const value = readBlockString(valueBlock);
  freeBlock(valueBlock);
  return value;
}

/** A config value holding JSON, parsed; null when unset or blank. */
export function getConfigJson(key: string): Result<JsonValue | null> {
  const text = getConfig(key);
  if (text === null || text.trim().length == 0) return ok<JsonValue | null>(null);
  const parsed = parseJson(text);
  if (parsed.isErr) return err<JsonValue | null>("config `" + key + "` is not valid JSON: " + parsed.error);
  return ok<JsonValue | null>(parsed.value);
}

/** The id the tool was registered under (config `plugin_id`), e.g. "node". */
export function getPluginId(): Result<string> {
  const id = getConfig("plugin_id");
  if (id === null || id.length == 0) return err<string>("config `plugin_id` is missing: the host must set it");
  return ok<string>(id);
}

/**
 * The user's settings for this tool (config `proto_tool_config`: the
 * `[tools.<id>]` table of `.prototools` as JSON, keys in kebab-case), decoded
 * with `decode`. When the host sent none, `decode` sees an empty object, so
 * it should give every setting a default.
 *
 *     const config = getToolConfig<MyConfig>(MyConfig.fromJson);
 *     if (config.isErr) return pluginError(config.error);
 */
export function getToolConfig<T>(decode: (json: JsonReader) => T): Result<T> {
  const json = getConfigJson("proto_tool_config");
  if (json.isErr) return err<T>(json.error);
  const value = json.value;
  const reader = JsonReader.root(value !== null ? value : JsonValue.object(), "config `proto_tool_config`");
  const config = decode(reader);
  return reader.finish<T>(config).withContext("invalid tool config (proto_tool_config)");
}
