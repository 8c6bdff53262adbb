// Payloads of the host functions (plugin-api §6).
import { Result, err, ok } from "../result";
import { JsonReader } from "../json/reader";
import { JsonValue } from "../json/value";
import { JsonWriter } from "../json/write";
import { parseJson } from "../json/parse";
import { decodeUtf8 } from "../memory";
import { VirtualPath } from "../paths";

/** Values of host_log `target`. */
export namespace LogTarget {
  export const Stdout = "stdout";
  export const Stderr = "stderr";
  export const Error = "error";
  export const Warn = "warn";
  export const Debug = "debug";
  export const Trace = "trace";
}

/** A command for the host to run (exec_command). */
export class ExecCommandInput {
  args: string[] = [];
  /** Working directory; a virtual path is converted by the host. Default: the host's cwd. */
  cwd: VirtualPath | null = null;
  /** Extra environment. A `?` suffix on a name sets it only if unset, `!` removes it. */
  env: Map<string, string> | null = null;
  /** Directories prepended to PATH. */
  paths: string[] | null = null;
  /** chmod +x the command first (the guest cannot chmod through WASI). */
  setExecutable: bool = false;
  /** Run through this shell, e.g. "bash". */
  shell: string | null = null;
  /** Inherit the host's stdout/stderr instead of capturing them. */
  stream: bool = false;

  constructor(
    /** An executable on PATH, or a (virtual) path to one. */
    public command: string,
    args: string[] = [],
  ) {
    this.args = args;
  }

  toJson(): string {
    const writer = new JsonWriter().beginObject().stringField("command", this.command).stringArrayField("args", this.args);
    const cwd = this.cwd;
    if (cwd !== null) {
      writer.key("cwd");
      cwd.writeTo(writer);
    }
    return writer
      .optionalStringMapField("env", this.env)
      .optionalStringArrayField("paths", this.paths)
      .trueField("set_executable", this.setExecutable)
      .optionalStringField("shell", this.shell)
      .boolField("stream", this.stream)
      .endObject()
      .toString();
  }
}

/** The result of exec_command. A non-zero exit code is not an error by itself. */
export class ExecCommandOutput {
  constructor(
    readonly command: string,
    /** Process exit code; -1 when killed by a signal. */
    readonly exitCode: i32,
    readonly stdout: string,
    readonly stderr: string,
    /** True when output went to the terminal (so stdout/stderr are empty). */
    readonly streamed: bool,
  ) {}

  get succeeded(): bool {
    return this.exitCode == 0;
  }

  static fromJson(json: JsonReader): ExecCommandOutput {
    return new ExecCommandOutput(
      json.stringOr("command", ""),
      json.integerOr("exit_code", -1),
      json.stringOr("stdout", ""),
      json.stringOr("stderr", ""),
      json.boolOr("streamed", false),
    );
  }
}

/** The response to send_request (always a GET). */
export class HttpResponse {
  constructor(
    readonly url: string,
    readonly status: i32,
    readonly body: Uint8Array,
  ) {}

  /** Status 200–299. */
  get ok(): bool {
    return this.status >= 200 && this.status < 300;
  }

  /** The body decoded as UTF-8. */
  text(): string {
    return decodeUtf8(this.body);
  }

  /** The body parsed as JSON; the error names the URL. */
  json(): Result<JsonValue> {
    const parsed = parseJson(this.text());
    if (parsed.isErr) return err<JsonValue>("response from " + this.url + " is not valid JSON: " + parsed.error);
    return ok<JsonValue>(parsed.value);
  }
}
