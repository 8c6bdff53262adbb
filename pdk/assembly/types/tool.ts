// register_tool and define_tool_config (plugin-api §5.1).
import { JsonReader } from "../json/reader";
import { JsonValue } from "../json/value";
import { JsonWriter } from "../json/write";

/** Values of RegisterToolOutput `type`. */
export namespace PluginType {
  export const CommandLine = "command-line";
  export const Language = "language";
  export const DependencyManager = "dependency-manager";
  export const VersionManager = "version-manager";
}

/** Values of RegisterToolOutput `default_install_strategy`. */
export namespace InstallStrategy {
  export const DownloadPrebuilt = "download-prebuilt";
  export const BuildFromSource = "build-from-source";
}

export class RegisterToolInput {
  constructor(
    /** The tool id the user configured, e.g. "node". */
    readonly id: string,
  ) {}

  static fromJson(json: JsonReader): RegisterToolInput {
    return new RegisterToolInput(json.string("id"));
  }
}

/** Where and how proto stores this tool's versions. */
export class ToolInventoryOptions {
  /** A virtual path to use instead of `~/.proto/tools/<id>`. */
  overrideDir: string | null = null;
  overrideDirName: string | null = null;
  scopedBackendDir: bool = false;
  /** Appended to each version's directory name. */
  versionSuffix: string | null = null;

  writeTo(writer: JsonWriter): void {
    writer
      .beginObject()
      .optionalStringField("override_dir", this.overrideDir)
      .optionalStringField("override_dir_name", this.overrideDirName)
      .trueField("scoped_backend_dir", this.scopedBackendDir)
      .optionalStringField("version_suffix", this.versionSuffix)
      .endObject();
  }
}

export class ToolLockOptions {
  ignoreOsArch: bool = false;
  noRecord: bool = false;

  writeTo(writer: JsonWriter): void {
    writer
      .beginObject()
      .trueField("ignore_os_arch", this.ignoreOsArch)
      .trueField("no_record", this.noRecord)
      .endObject();
  }
}

export class RegisterToolOutput {
  defaultInstallStrategy: string | null = null;
  /** Version spec used when the user gives none, e.g. "latest". */
  defaultVersion: string | null = null;
  deprecations: string[] | null = null;
  inventoryOptions: ToolInventoryOptions | null = null;
  lockOptions: ToolLockOptions | null = null;
  minimumProtoVersion: string | null = null;
  pluginVersion: string | null = null;
  /** Ids of tools that must be loaded first (npm requires node). */
  requires: string[] | null = null;
  /** Subcommands that would upgrade the tool itself; proto refuses to run them. */
  selfUpgradeCommands: string[] | null = null;
  /** Marks the tool unstable (proto warns); a message may say why. */
  unstable: bool = false;
  unstableMessage: string | null = null;

  constructor(
    /** Human-readable tool name. */
    public name: string,
    /** One of PluginType. */
    public type: string = PluginType.Language,
  ) {}

  toJson(): string {
    const writer = new JsonWriter()
      .beginObject()
      .stringField("name", this.name)
      .stringField("type", this.type)
      .optionalStringField("plugin_version", this.pluginVersion)
      .optionalStringField("minimum_proto_version", this.minimumProtoVersion)
      .optionalStringField("default_version", this.defaultVersion)
      .optionalStringField("default_install_strategy", this.defaultInstallStrategy)
      .optionalStringArrayField("self_upgrade_commands", this.selfUpgradeCommands)
      .optionalStringArrayField("requires", this.requires)
      .optionalStringArrayField("deprecations", this.deprecations);
    const inventory = this.inventoryOptions;
    if (inventory !== null) {
      writer.key("inventory_options");
      inventory.writeTo(writer);
    }
    const lock = this.lockOptions;
    if (lock !== null) {
      writer.key("lock_options");
      lock.writeTo(writer);
    }
    // `unstable` is a bool-or-message switch on the wire.
    const unstableMessage = this.unstableMessage;
    if (unstableMessage !== null) writer.stringField("unstable", unstableMessage);
    else writer.trueField("unstable", this.unstable);
    return writer.endObject().toString();
  }
}

/** define_tool_config output: a description of the tool's settings. */
export class DefineToolConfigOutput {
  constructor(readonly schema: JsonValue) {}

  toJson(): string {
    return new JsonWriter().beginObject().key("schema").value(this.schema).endObject().toString();
  }
}
