// Virtual paths: how the host and the guest name the same files.
//
// The guest sees host directories through WASI preopens (`/proto` = the proto
// store, `/userhome`, `/temp`, `/cwd`, ...). Paths in the protocol are these
// guest ("virtual") paths. Hosts up to proto 0.59 send them as
// `{path, virtual_prefix, real_prefix}`, from 0.60 as plain strings plus the
// `virtual_paths` config ([[host, guest], ...]). Both are accepted here.
import { JsonReader } from "./json/reader";
import { JsonValue } from "./json/value";
import { JsonWriter } from "./json/write";
import { getConfigJson } from "./config";

export class VirtualPath {
  constructor(
    /** The guest-side (virtual) path, e.g. `/proto/tools/node/20.0.0`. */
    readonly path: string,
    /** Guest prefix this path was mapped under, e.g. `/proto` (object form only). */
    readonly virtualPrefix: string | null = null,
    /** Host directory behind that prefix, e.g. `/home/me/.proto` (object form only). */
    readonly realPrefix: string | null = null,
  ) {}

  /** Decodes either wire form; null when `json` is neither. */
  static fromJson(json: JsonValue): VirtualPath | null {
    if (json.isString) return new VirtualPath(json.asString());
    if (!json.isObject) return null;
    const path = json.get("path");
    if (path === null || !path.isString) return null;
    return new VirtualPath(path.asString(), stringMember(json, "virtual_prefix", "v"), stringMember(json, "real_prefix", "r"));
  }

  /** Required path field `key` of `reader`. */
  static read(reader: JsonReader, key: string): VirtualPath {
    const path = VirtualPath.readOptional(reader, key);
    if (path !== null) return path;
    reader.fail(key, "is missing");
    return new VirtualPath("");
  }

  /** Optional path field `key` of `reader` (absent or null ⇒ null). */
  static readOptional(reader: JsonReader, key: string): VirtualPath | null {
    const json = reader.value(key);
    if (json === null) return null;
    const path = VirtualPath.fromJson(json);
    if (path === null) reader.fail(key, "must be a path string or a {path, virtual_prefix, real_prefix} object");
    return path;
  }

  /**
   * The host ("real") path: through the prefixes this path came with, else
   * through the `virtual_paths` config, else unchanged. Only meaningful for
   * handing to the host or the user; the guest itself opens virtual paths.
   */
  real(): string {
    const virtualPrefix = this.virtualPrefix;
    const realPrefix = this.realPrefix;
    if (virtualPrefix !== null && realPrefix !== null) {
      if (stripPathPrefix(this.path, realPrefix) !== null) return this.path;
      const rest = stripPathPrefix(this.path, virtualPrefix);
      if (rest !== null) return joinPath(realPrefix, rest);
      return this.path;
    }
    return toRealPath(this.path);
  }

  /** A child path, keeping the prefixes (so `real()` still works). */
  join(child: string): VirtualPath {
    return new VirtualPath(joinPath(this.path, child), this.virtualPrefix, this.realPrefix);
  }

  /** Writes the path in the form it was received: object when it has prefixes. */
  writeTo(writer: JsonWriter): void {
    const virtualPrefix = this.virtualPrefix;
    const realPrefix = this.realPrefix;
    if (virtualPrefix === null || realPrefix === null) {
      writer.string(this.path);
      return;
    }
    writer
      .beginObject()
      .stringField("path", this.path)
      .stringField("virtual_prefix", virtualPrefix)
      .stringField("real_prefix", realPrefix)
      .endObject();
  }

  toString(): string {
    return this.path;
  }
}

/** One `virtual_paths` entry: a host directory and its guest prefix. */
export class PathMapping {
  constructor(readonly real: string, readonly virtual: string) {}
}

/** The `virtual_paths` config (proto 0.60+ hosts); empty when absent or malformed. */
export function getPathMappings(): PathMapping[] {
  const mappings = new Array<PathMapping>(0);
  const json = getConfigJson("virtual_paths");
  if (json.isErr) return mappings;
  const list = json.value;
  if (list === null || !list.isArray) return mappings;
  for (let i = 0; i < list.length; i++) {
    const pair = list.at(i)!;
    const real = pair.at(0);
    const virtual = pair.at(1);
    if (real !== null && virtual !== null && real.isString && virtual.isString) {
      mappings.push(new PathMapping(real.asString(), virtual.asString()));
    }
  }
  return mappings;
}

/** Guest path → host path via `virtual_paths`; unchanged when nothing matches. */
export function toRealPath(path: string): string {
  const mappings = getPathMappings();
  for (let i = 0; i < mappings.length; i++) {
    const mapping = mappings[i];
    if (stripPathPrefix(path, mapping.real) !== null) return path;
    const rest = stripPathPrefix(path, mapping.virtual);
    if (rest !== null) return joinPath(mapping.real, rest);
  }
  return path;
}

/** Host path → guest path via `virtual_paths`; unchanged when nothing matches. */
export function toVirtualPath(path: string): string {
  const mappings = getPathMappings();
  for (let i = 0; i < mappings.length; i++) {
    const mapping = mappings[i];
    if (stripPathPrefix(path, mapping.virtual) !== null) return path;
    const rest = stripPathPrefix(path, mapping.real);
    if (rest !== null) return joinPath(mapping.virtual, rest);
  }
  return path;
}

/**
 * `path` relative to `prefix` when `path` is `prefix` or lies below it,
 * comparing whole components (`/protox` is not under `/proto`); else null.
 */
export function stripPathPrefix(path: string, prefix: string): string | null {
  const base = trimTrailingSeparators(prefix);
  if (base.length == 0 || !path.startsWith(base)) return null;
  if (path.length == base.length) return "";
  // "/" and "C:" already end on a component boundary; otherwise the next
  // character must be a separator.
  const endsOnBoundary = isSeparator(base.charCodeAt(base.length - 1)) || base.endsWith(":");
  if (!endsOnBoundary && !isSeparator(path.charCodeAt(base.length))) return null;
  return trimLeadingSeparators(path.substring(base.length));
}

/**
 * Joins path segments with `/` (or `\` when `base` is a Windows path written
 * with backslashes only), without doubling separators.
 */
export function joinPath(base: string, child: string): string {
  if (child.length == 0) return base;
  if (base.length == 0) return child;
  const separator = base.includes("\\") && !base.includes("/") ? "\\" : "/";
  return trimTrailingSeparators(base) + separator + trimLeadingSeparators(child);
}

function trimTrailingSeparators(path: string): string {
  let end = path.length;
  while (end > 1 && isSeparator(path.charCodeAt(end - 1))) end--;
  return path.substring(0, end);
}

function trimLeadingSeparators(path: string): string {
  let start = 0;
  while (start < path.length && isSeparator(path.charCodeAt(start))) start++;
  return path.substring(start);
}

function isSeparator(code: i32): bool {
  return code == 0x2f || code == 0x5c;
}

function stringMember(object: JsonValue, key: string, alias: string): string | null {
  let value = object.get(key);
  if (value === null) value = object.get(alias);
  return value !== null && value.isString ? value.asString() : null;
}
