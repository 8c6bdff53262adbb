// Global packages (proto 0.15–0.30 only; plugin-api §5.9).
import { JsonReader } from "../json/reader";
import { JsonWriter } from "../json/write";
import { VirtualPath } from "../paths";
import { PluginContext } from "./context";

export class InstallGlobalInput {
  constructor(
    readonly context: PluginContext,
    /** The package as the user wrote it, e.g. "typescript@5" or "@scope/pkg@1". */
    readonly dependency: string,
    /** Where globals live (virtual path), located from `globals_lookup_dirs`. */
    readonly globalsDir: VirtualPath,
  ) {}

  static fromJson(json: JsonReader): InstallGlobalInput {
    return new InstallGlobalInput(
      PluginContext.fromJson(json.object("context")),
      json.string("dependency"),
      VirtualPath.read(json, "globals_dir"),
    );
  }
}

/** Same fields as InstallGlobalInput. */
export class UninstallGlobalInput {
  constructor(
    readonly context: PluginContext,
    readonly dependency: string,
    readonly globalsDir: VirtualPath,
  ) {}

  static fromJson(json: JsonReader): UninstallGlobalInput {
    return new UninstallGlobalInput(
      PluginContext.fromJson(json.object("context")),
      json.string("dependency"),
      VirtualPath.read(json, "globals_dir"),
    );
  }
}

export class InstallGlobalOutput {
  constructor(
    public installed: bool,
    /** Why it failed; shown by the host when `installed` is false. */
    public error: string | null = null,
  ) {}

  toJson(): string {
    return new JsonWriter()
      .beginObject()
      .boolField("installed", this.installed)
      .optionalStringField("error", this.error)
      .endObject()
      .toString();
  }
}

export class UninstallGlobalOutput {
  constructor(
    public uninstalled: bool,
    public error: string | null = null,
  ) {}

  toJson(): string {
    return new JsonWriter()
      .beginObject()
      .boolField("uninstalled", this.uninstalled)
      .optionalStringField("error", this.error)
      .endObject()
      .toString();
  }
}
