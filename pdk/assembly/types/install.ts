// Installing and locating a tool (plugin-api §5.5, §5.6).
import { JsonReader } from "../json/reader";
import { JsonWriter } from "../json/write";
import { VirtualPath } from "../paths";
import { PluginContext } from "./context";

export class DownloadPrebuiltInput {
  constructor(
    readonly context: PluginContext,
    /** Where the archive will be unpacked; absent from hosts before proto 0.19.3. */
    readonly installDir: VirtualPath | null,
  ) {}

  static fromJson(json: JsonReader): DownloadPrebuiltInput {
    return new DownloadPrebuiltInput(PluginContext.fromJson(json.object("context")), VirtualPath.readOptional(json, "install_dir"));
  }
}

export class DownloadPrebuiltOutput {
  /** Folder inside the archive whose contents become the install dir. */
  archivePrefix: string | null = null;
  /** An explicit checksum: "sha256:<hex>", "sha512:<hex>" or "minisign:<key>". */
  checksum: string | null = null;
  /** File name for the downloaded checksum file (default: last URL segment). */
  checksumName: string | null = null;
  /** Minisign public key for `checksum_url` signatures. */
  checksumPublicKey: string | null = null;
  /** URL of a SHASUMS file, a .sha256 file or a .minisig signature. */
  checksumUrl: string | null = null;
  /** File name for the download (default: last URL segment). */
  downloadName: string | null = null;
  /** Headers sent with both downloads. */
  httpHeaders: Map<string, string> | null = null;
  /** Script (relative to the install dir) to run after unpacking. */
  postScript: string | null = null;
  postScriptArgs: string[] | null = null;

  constructor(
    /** The archive or executable to download. */
    public downloadUrl: string,
  ) {}

  toJson(): string {
    return new JsonWriter()
      .beginObject()
      .stringField("download_url", this.downloadUrl)
      .optionalStringField("download_name", this.downloadName)
      .optionalStringField("archive_prefix", this.archivePrefix)
      .optionalStringField("checksum", this.checksum)
      .optionalStringField("checksum_name", this.checksumName)
      .optionalStringField("checksum_public_key", this.checksumPublicKey)
      .optionalStringField("checksum_url", this.checksumUrl)
      .optionalStringMapField("http_headers", this.httpHeaders)
      .optionalStringField("post_script", this.postScript)
      .optionalStringArrayField("post_script_args", this.postScriptArgs)
      .endObject()
      .toString();
  }
}

/** native_install: install through the tool's own manager (rustup, ...) instead of downloading. */
export class NativeInstallInput {
  constructor(
    readonly context: PluginContext,
    /** The user asked to reinstall (proto 0.53+). */
    readonly force: bool,
    /** The product dir the host will look in; absent from hosts before proto 0.19.3. */
    readonly installDir: VirtualPath | null,
  ) {}

  static fromJson(json: JsonReader): NativeInstallInput {
    return new NativeInstallInput(PluginContext.fromJson(json.object("context")), json.boolOr("force", false), VirtualPath.readOptional(json, "install_dir"));
  }
}

export class NativeInstallOutput {
  /** An explicit checksum of what was installed, for the lockfile (proto 0.48+). */
  checksum: string | null = null;
  /** Why it failed, shown to the user when `installed` is false. */
  error: string | null = null;
  /** True to let the host download as usual instead. */
  skipInstall: bool = false;

  constructor(public installed: bool) {}

  toJson(): string {
    return new JsonWriter()
      .beginObject()
      .boolField("installed", this.installed)
      .optionalStringField("checksum", this.checksum)
      .optionalStringField("error", this.error)
      .trueField("skip_install", this.skipInstall)
      .endObject()
      .toString();
  }
}

/** native_uninstall: called before the host deletes the product dir. */
export class NativeUninstallInput {
  constructor(
    readonly context: PluginContext,
    readonly uninstallDir: VirtualPath | null,
  ) {}

  static fromJson(json: JsonReader): NativeUninstallInput {
    return new NativeUninstallInput(PluginContext.fromJson(json.object("context")), VirtualPath.readOptional(json, "uninstall_dir"));
  }
}

export class NativeUninstallOutput {
  error: string | null = null;
  skipUninstall: bool = false;

  constructor(public uninstalled: bool) {}

  toJson(): string {
    return new JsonWriter()
      .beginObject()
      .boolField("uninstalled", this.uninstalled)
      .optionalStringField("error", this.error)
      .trueField("skip_uninstall", this.skipUninstall)
      .endObject()
      .toString();
  }
}

export class LocateExecutablesInput {
  constructor(
    readonly context: PluginContext,
    readonly installDir: VirtualPath | null,
  ) {}

  static fromJson(json: JsonReader): LocateExecutablesInput {
    return new LocateExecutablesInput(PluginContext.fromJson(json.object("context")), VirtualPath.readOptional(json, "install_dir"));
  }
}

/** How one executable of the tool is exposed (shim and/or bin link). */
export class ExecutableConfig {
  /** File to run, relative to the install dir (not a virtual path). */
  exePath: string | null = null;
  /** File to link into ~/.proto/bin instead of `exePath`. */
  exeLinkPath: string | null = null;
  noBin: bool = false;
  noShim: bool = false;
  /** Run as `<parent> <parentExeArgs..> <exePath> <args..>`, e.g. "node". */
  parentExeName: string | null = null;
  parentExeArgs: string[] | null = null;
  /** The tool's main executable. */
  primary: bool = false;
  /** Arguments the shim inserts before / after the user's arguments. */
  shimBeforeArgs: string[] | null = null;
  shimAfterArgs: string[] | null = null;
  /** Environment variables the shim sets. */
  shimEnvVars: Map<string, string> | null = null;
  /** Ask the host to make `exePath` executable. */
  updatePerms: bool = false;

  /** An executable at `exePath` (relative to the install dir). */
  static at(exePath: string): ExecutableConfig {
    const config = new ExecutableConfig();
    config.exePath = exePath;
    return config;
  }

  /** The primary executable at `exePath`. */
  static primaryAt(exePath: string): ExecutableConfig {
    const config = ExecutableConfig.at(exePath);
    config.primary = true;
    return config;
  }

  writeTo(writer: JsonWriter): void {
    writer
      .beginObject()
      .optionalStringField("exe_path", this.exePath)
      .optionalStringField("exe_link_path", this.exeLinkPath)
      .trueField("no_bin", this.noBin)
      .trueField("no_shim", this.noShim)
      .optionalStringField("parent_exe_name", this.parentExeName)
      .optionalStringArrayField("parent_exe_args", this.parentExeArgs)
      .trueField("primary", this.primary)
      .optionalStringArrayField("shim_before_args", this.shimBeforeArgs)
      .optionalStringArrayField("shim_after_args", this.shimAfterArgs)
      .optionalStringMapField("shim_env_vars", this.shimEnvVars)
      .trueField("update_perms", this.updatePerms)
      .endObject();
  }
}

export class LocateExecutablesOutput {
  /** Executable name (shim/bin file name, without `.exe`) → its config. */
  exes: Map<string, ExecutableConfig> = new Map<string, ExecutableConfig>();
  /** Directories relative to the install dir to put on PATH. */
  exesDirs: string[] | null = null;
  /** Candidate directories for globally installed packages; `$VAR`s are expanded by the host. */
  globalsLookupDirs: string[] | null = null;
  /** Prefix of executables installed by global packages. */
  globalsPrefix: string | null = null;

  toJson(): string {
    const writer = new JsonWriter().beginObject().key("exes").beginObject();
    const names = this.exes.keys();
    for (let i = 0; i < names.length; i++) {
      writer.key(names[i]);
      this.exes.get(names[i]).writeTo(writer);
    }
    return writer
      .endObject()
      .optionalStringArrayField("exes_dirs", this.exesDirs)
      .optionalStringArrayField("globals_lookup_dirs", this.globalsLookupDirs)
      .optionalStringField("globals_prefix", this.globalsPrefix)
      .endObject()
      .toString();
  }
}
