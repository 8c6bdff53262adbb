// Version detection, loading and resolution (plugin-api §5.3, §5.4).
import { JsonReader } from "../json/reader";
import { JsonWriter } from "../json/write";
import { VirtualPath } from "../paths";
import { highestVersion } from "../semver";
import { PluginUnresolvedContext } from "./context";

export class DetectVersionInput {
  constructor(readonly context: PluginUnresolvedContext) {}

  /** Hosts before proto 0.47 sent no input at all: everything is optional. */
  static fromJson(json: JsonReader): DetectVersionInput {
    return new DetectVersionInput(PluginUnresolvedContext.readFrom(json));
  }
}

export class DetectVersionOutput {
  constructor(
    /** File names to look for in each directory, in priority order. */
    public files: string[] = [],
    /** Directories whose path contains one of these are skipped. */
    public ignore: string[] = [],
  ) {}

  toJson(): string {
    return new JsonWriter()
      .beginObject()
      .stringArrayField("files", this.files)
      .stringArrayField("ignore", this.ignore)
      .endObject()
      .toString();
  }
}

export class ParseVersionFileInput {
  constructor(
    /** The file's contents (trimmed by the host). */
    readonly content: string,
    /** The file name as listed in DetectVersionOutput.files. */
    readonly file: string,
    /** The file's full (virtual) path; absent from hosts before proto 0.42. */
    readonly path: VirtualPath | null,
    readonly context: PluginUnresolvedContext,
  ) {}

  static fromJson(json: JsonReader): ParseVersionFileInput {
    return new ParseVersionFileInput(
      json.string("content"),
      json.string("file"),
      VirtualPath.readOptional(json, "path"),
      PluginUnresolvedContext.readFrom(json),
    );
  }
}

export class ParseVersionFileOutput {
  /** The version spec found; null (omitted) makes the host try the next file. */
  constructor(public version: string | null = null) {}

  toJson(): string {
    return new JsonWriter().beginObject().optionalStringField("version", this.version).endObject().toString();
  }
}

export class LoadVersionsInput {
  constructor(
    /** The spec being resolved, e.g. "~20" or "latest". */
    readonly initial: string,
    readonly context: PluginUnresolvedContext,
  ) {}

  static fromJson(json: JsonReader): LoadVersionsInput {
    return new LoadVersionsInput(json.string("initial"), PluginUnresolvedContext.readFrom(json));
  }
}

export class LoadVersionsOutput {
  /** Every installable version. */
  versions: string[] = [];
  /** The latest stable version; the host makes it the `latest` alias. */
  latest: string | null = null;
  /** The latest canary build (informational). */
  canary: string | null = null;
  /** Alias name → version (or another alias), e.g. "lts-hydrogen" → "18.20.4". */
  aliases: Map<string, string> = new Map<string, string>();

  /**
   * Output listing `versions`, with `latest` and the `latest` alias set to
   * the highest stable semver among them (like proto_pdk's `from_versions`).
   */
  static fromVersions(versions: string[]): LoadVersionsOutput {
    const output = new LoadVersionsOutput();
    output.versions = versions;
    const latest = highestVersion(versions);
    if (latest !== null) {
      output.latest = latest;
      output.aliases.set("latest", latest);
    }
    return output;
  }

  toJson(): string {
    return new JsonWriter()
      .beginObject()
      .stringArrayField("versions", this.versions)
      .optionalStringField("latest", this.latest)
      .optionalStringField("canary", this.canary)
      .stringMapField("aliases", this.aliases)
      .endObject()
      .toString();
  }
}

export class ResolveVersionInput {
  constructor(
    /** The spec to resolve, as the user wrote it (canonicalized by the host). */
    readonly initial: string,
    readonly context: PluginUnresolvedContext,
  ) {}

  static fromJson(json: JsonReader): ResolveVersionInput {
    return new ResolveVersionInput(json.string("initial"), PluginUnresolvedContext.readFrom(json));
  }
}

export class ResolveVersionOutput {
  constructor(
    /** A spec to resolve instead of `initial` (e.g. an alias name). */
    public candidate: string | null = null,
    /** A final version, used as is without checking the version list. */
    public version: string | null = null,
  ) {}

  toJson(): string {
    return new JsonWriter()
      .beginObject()
      .optionalStringField("candidate", this.candidate)
      .optionalStringField("version", this.version)
      .endObject()
      .toString();
  }
}
