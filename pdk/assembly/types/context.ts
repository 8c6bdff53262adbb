// The context objects the host sends with most calls (plugin-api §4.3).
import { JsonReader } from "../json/reader";
import { VirtualPath } from "../paths";

/**
 * Context of a call about one resolved version (`download_prebuilt`,
 * `locate_executables`, `install_global`, ...). `tool_dir` and `version` are
 * required; the other fields appeared in later proto versions.
 */
export class PluginContext {
  constructor(
    /** The resolved version, e.g. "20.11.0", "canary" or an alias. */
    readonly version: string,
    /** Install directory of that version, e.g. `/proto/tools/node/20.11.0`. */
    readonly toolDir: VirtualPath,
    readonly tempDir: VirtualPath | null = null,
    readonly workingDir: VirtualPath | null = null,
    readonly protoVersion: string | null = null,
  ) {}

  static fromJson(json: JsonReader): PluginContext {
    return new PluginContext(
      json.string("version"),
      VirtualPath.read(json, "tool_dir"),
      VirtualPath.readOptional(json, "temp_dir"),
      VirtualPath.readOptional(json, "working_dir"),
      json.optionalString("proto_version"),
    );
  }
}

/**
 * Context of a call made before a version is resolved (`load_versions`,
 * `resolve_version`, `parse_version_file`, ...). Every field is optional:
 * hosts of different eras send different subsets.
 */
export class PluginUnresolvedContext {
  constructor(
    readonly tempDir: VirtualPath | null = null,
    readonly workingDir: VirtualPath | null = null,
    readonly protoVersion: string | null = null,
  ) {}

  static fromJson(json: JsonReader): PluginUnresolvedContext {
    return new PluginUnresolvedContext(
      VirtualPath.readOptional(json, "temp_dir"),
      VirtualPath.readOptional(json, "working_dir"),
      json.optionalString("proto_version"),
    );
  }

  /** Reads the optional field `context` of `json` (absent ⇒ all fields null). */
  static readFrom(json: JsonReader): PluginUnresolvedContext {
    const context = json.optionalObject("context");
    return context !== null ? PluginUnresolvedContext.fromJson(context) : new PluginUnresolvedContext();
  }
}

/**
 * Input of functions that take none (define_tool_config): hosts send `{}` or
 * nothing; reading it still rejects garbage.
 */
export class EmptyInput {
  static fromJson(json: JsonReader): EmptyInput {
    return new EmptyInput();
  }
}
