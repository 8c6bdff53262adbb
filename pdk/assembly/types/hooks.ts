// Install hooks, run and uninstall hooks, and manifest sync (plugin-api §5.7, §5.8, §5.10).
//
// The same inputs reach hook plugins (manifest `kind = "hook"`, or `[plugins.hooks]`), which the
// host calls for every tool, with `tool_id` naming the tool.
import { JsonReader } from "../json/reader";
import { JsonWriter } from "../json/write";
import { VirtualPath } from "../paths";
import { PluginContext, PluginUnresolvedContext } from "./context";

/** Input of `pre_install` and `post_install`; neither returns anything. */
export class InstallHook {
  constructor(
    readonly context: PluginContext,
    /** The user asked to reinstall (`--force`). */
    readonly forced: bool,
    /** Arguments after `--` on the install command line. */
    readonly passthroughArgs: string[],
    /** The version was pinned to a .prototools by this install (always false in pre_install). */
    readonly pinned: bool,
    readonly quiet: bool,
    /** The tool being installed, when a hook plugin is called (a tool's own hook gets null). */
    readonly toolId: string | null = null,
  ) {}

  static fromJson(json: JsonReader): InstallHook {
    const args = json.optionalStringArray("passthrough_args");
    return new InstallHook(
      PluginContext.fromJson(json.object("context")),
      json.boolOr("forced", false),
      args !== null ? args : [],
      json.boolOr("pinned", false),
      json.boolOr("quiet", false),
      json.optionalString("tool_id"),
    );
  }
}

/**
 * Input of `pre_uninstall`, which only hook plugins receive: the host is about to remove
 * `context.version` of `tool_id` (from `context.tool_dir`). Failing vetoes the removal.
 */
export class UninstallHook {
  constructor(
    readonly context: PluginContext,
    readonly toolId: string,
  ) {}

  static fromJson(json: JsonReader): UninstallHook {
    return new UninstallHook(PluginContext.fromJson(json.object("context")), json.string("tool_id"));
  }
}

export class SyncManifestInput {
  constructor(readonly context: PluginUnresolvedContext) {}

  static fromJson(json: JsonReader): SyncManifestInput {
    return new SyncManifestInput(PluginUnresolvedContext.fromJson(json.object("context")));
  }
}

export class SyncManifestOutput {
  constructor(
    /** Versions really installed; they replace the host's list. Null keeps the host's list. */
    public versions: string[] | null = null,
    /** True to leave the host's manifest alone. */
    public skipSync: bool = false,
  ) {}

  toJson(): string {
    return new JsonWriter()
      .beginObject()
      .optionalStringArrayField("versions", this.versions)
      .boolField("skip_sync", this.skipSync)
      .endObject()
      .toString();
  }
}

/** Input of `pre_run`, called before the host runs the tool (plugin-api §5.8). */
export class RunHook {
  constructor(
    readonly context: PluginContext,
    /** Arguments the user passed to the tool. */
    readonly passthroughArgs: string[],
    /** Where global packages live, when the host located it. */
    readonly globalsDir: VirtualPath | null,
    readonly globalsPrefix: string | null,
    /** The tool about to run, when a hook plugin is called (a tool's own hook gets null). */
    readonly toolId: string | null = null,
  ) {}

  static fromJson(json: JsonReader): RunHook {
    const args = json.optionalStringArray("passthrough_args");
    return new RunHook(
      PluginContext.fromJson(json.object("context")),
      args !== null ? args : [],
      VirtualPath.readOptional(json, "globals_dir"),
      json.optionalString("globals_prefix"),
      json.optionalString("tool_id"),
    );
  }
}

/** Output of `pre_run`: extra arguments, env vars and PATH dirs for the tool run. */
export class RunHookResult {
  constructor(
    public args: string[] | null = null,
    public env: Map<string, string> | null = null,
    public paths: string[] | null = null,
  ) {}

  toJson(): string {
    return new JsonWriter()
      .beginObject()
      .optionalStringArrayField("args", this.args)
      .optionalStringMapField("env", this.env)
      .optionalStringArrayField("paths", this.paths)
      .endObject()
      .toString();
  }
}
