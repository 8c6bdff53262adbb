// Global packages (proto 0.15–0.30 only; spec §4.9).
import { JsonReader } from "../json/reader";
import { JsonWriter } from "../json/write";
import { VirtualPath } from "../paths";
import { PluginContext } from "./context";

/** Input of both install_global and uninstall_global. */
export class GlobalPackageInput {
  constructor(
    readonly context: PluginContext,
    /** The package as the user wrote it, e.g. "typescript@5" or "@scope/pkg". */
    readonly dependency: string,
    /** Where globals live (virtual path), located from `globals_lookup_dirs`. */
    readonly globalsDir: VirtualPath,
  ) {}

  static fromJson(json: JsonReader): GlobalPackageInput {
    return new GlobalPackageInput(
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
