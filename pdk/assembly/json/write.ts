// Builds compact JSON text. Output types use the `*Field` helpers so that
// optional fields are simply skipped when unset: strict proto hosts treat a
// missing key and `null` differently for some fields, so the PDK never
// writes `null` for an unset optional.
import { JsonKind, JsonValue } from "./value";

export class JsonWriter {
  private parts: string[] = [];
  // One entry per open object/array: whether a value was already written
  // (i.e. whether the next one needs a comma).
  private hasItems: bool[] = [];
  private afterKey: bool = false;

  // ---- structure ----

  beginObject(): JsonWriter {
    this.beforeValue();
    this.parts.push("{");
    this.hasItems.push(false);
    return this;
  }

  endObject(): JsonWriter {
    this.parts.push("}");
    this.hasItems.pop();
    return this;
  }

  beginArray(): JsonWriter {
    this.beforeValue();
    this.parts.push("[");
    this.hasItems.push(false);
    return this;
  }

  endArray(): JsonWriter {
    this.parts.push("]");
    this.hasItems.pop();
    return this;
  }

  key(name: string): JsonWriter {
    this.beforeValue();
    this.parts.push(quote(name));
    this.parts.push(":");
    this.afterKey = true;
    return this;
  }

  // ---- scalar values ----

  string(value: string): JsonWriter {
    this.beforeValue();
    this.parts.push(quote(value));
    return this;
  }

  bool(value: bool): JsonWriter {
    this.beforeValue();
    this.parts.push(value ? "true" : "false");
    return this;
  }

  integer(value: i64): JsonWriter {
    this.beforeValue();
    this.parts.push(value.toString());
    return this;
  }

  null(): JsonWriter {
    this.beforeValue();
    this.parts.push("null");
    return this;
  }

  /** Writes a JsonValue tree (e.g. data passed through from the host). */
  value(value: JsonValue): JsonWriter {
    switch (value.kind) {
      case JsonKind.Null:
        return this.null();
      case JsonKind.Bool:
        return this.bool(value.asBool());
      case JsonKind.Number:
        this.beforeValue();
        this.parts.push(value.numberText);
        return this;
      case JsonKind.String:
        return this.string(value.asString());
      case JsonKind.Array: {
        this.beginArray();
        for (let i = 0; i < value.length; i++) this.value(value.at(i)!);
        return this.endArray();
      }
      default: {
        this.beginObject();
        const keys = value.keys();
        for (let i = 0; i < keys.length; i++) this.key(keys[i]).value(value.get(keys[i])!);
        return this.endObject();
      }
    }
  }

  stringArray(values: string[]): JsonWriter {
    this.beginArray();
    for (let i = 0; i < values.length; i++) this.string(values[i]);
    return this.endArray();
  }

  stringMap(map: Map<string, string>): JsonWriter {
    this.beginObject();
    const keys = map.keys();
    for (let i = 0; i < keys.length; i++) this.key(keys[i]).string(map.get(keys[i]));
    return this.endObject();
  }

  // ---- object members; the optional* variants skip unset values ----

  stringField(name: string, value: string): JsonWriter {
    return this.key(name).string(value);
  }

  optionalStringField(name: string, value: string | null): JsonWriter {
    if (value !== null) this.key(name).string(value);
    return this;
  }

  boolField(name: string, value: bool): JsonWriter {
    return this.key(name).bool(value);
  }

  /** For `#[serde(default)]` booleans: `false` is the default, so omit it. */
  trueField(name: string, value: bool): JsonWriter {
    if (value) this.key(name).bool(true);
    return this;
  }

  integerField(name: string, value: i64): JsonWriter {
    return this.key(name).integer(value);
  }

  stringArrayField(name: string, values: string[]): JsonWriter {
    return this.key(name).stringArray(values);
  }

  optionalStringArrayField(name: string, values: string[] | null): JsonWriter {
    if (values !== null) this.key(name).stringArray(values);
    return this;
  }

  stringMapField(name: string, map: Map<string, string>): JsonWriter {
    return this.key(name).stringMap(map);
  }

  optionalStringMapField(name: string, map: Map<string, string> | null): JsonWriter {
    if (map !== null) this.key(name).stringMap(map);
    return this;
  }

  optionalValueField(name: string, value: JsonValue | null): JsonWriter {
    if (value !== null) this.key(name).value(value);
    return this;
  }

  toString(): string {
    return this.parts.join("");
  }

  private beforeValue(): void {
    if (this.afterKey) {
      this.afterKey = false;
      return;
    }
    const depth = this.hasItems.length;
    if (depth == 0) return;
    if (this.hasItems[depth - 1]) this.parts.push(",");
    else this.hasItems[depth - 1] = true;
  }
}

/** `value` as a JSON string literal. */
export function quote(value: string): string {
  const parts = new Array<string>(0);
  parts.push('"');
  let chunkStart = 0;
  const length = value.length;
  for (let i = 0; i < length; i++) {
    const code = <i32>value.charCodeAt(i);
    let replacement: string | null = null;
    if (code == 0x22) replacement = '\\"';
    else if (code == 0x5c) replacement = "\\\\";
    else if (code == 0x0a) replacement = "\\n";
    else if (code == 0x0d) replacement = "\\r";
    else if (code == 0x09) replacement = "\\t";
    else if (code < 0x20) replacement = unicodeEscape(code);
    else if (code >= 0xd800 && code <= 0xdfff) {
      // A lone surrogate has no UTF-8 encoding; escaping keeps the output
      // valid UTF-8. A proper pair is copied as is.
      const next = i + 1 < length ? <i32>value.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      replacement = unicodeEscape(code);
    }
    if (replacement === null) continue;
    parts.push(value.substring(chunkStart, i));
    parts.push(replacement);
    chunkStart = i + 1;
  }
  parts.push(value.substring(chunkStart));
  parts.push('"');
  return parts.join("");
}

function unicodeEscape(code: i32): string {
  const hex = code.toString(16);
  return "\\u" + "0000".substring(hex.length) + hex;
}
