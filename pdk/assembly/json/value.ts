// A parsed JSON document as a small tree. The PDK parses protocol JSON itself
// (instead of json-as) so that bad input becomes an error message rather than
// an abort, and so that a field may hold either a string or an object
// (VirtualPath) — both measured to fail with json-as 1.6.

export enum JsonKind {
  Null,
  Bool,
  Number,
  String,
  Array,
  Object,
}

export class JsonValue {
  readonly kind: JsonKind;
  private boolValue: bool = false;
  // String contents, or the literal text of a number (kept verbatim so that
  // 64-bit integers such as Extism memory offsets are read without rounding).
  private text: string = "";
  private items: JsonValue[] = [];
  private keyList: string[] = [];

  private constructor(kind: JsonKind) {
    this.kind = kind;
  }

  static null(): JsonValue {
    return new JsonValue(JsonKind.Null);
  }

  static bool(value: bool): JsonValue {
    const json = new JsonValue(JsonKind.Bool);
    json.boolValue = value;
    return json;
  }

  static string(value: string): JsonValue {
    const json = new JsonValue(JsonKind.String);
    json.text = value;
    return json;
  }

  static integer(value: i64): JsonValue {
    return JsonValue.numberLiteral(value.toString());
  }

  static float(value: f64): JsonValue {
    // JSON has no NaN/Infinity; null is what JSON.stringify does with them.
    if (!isFinite(value)) return JsonValue.null();
    return JsonValue.numberLiteral(value.toString());
  }

  /** A number from its JSON text, trusted to be valid (used by the parser). */
  static numberLiteral(text: string): JsonValue {
    const json = new JsonValue(JsonKind.Number);
    json.text = text;
    return json;
  }

  static array(items: JsonValue[] = []): JsonValue {
    const json = new JsonValue(JsonKind.Array);
    json.items = items;
    return json;
  }

  static stringArray(values: string[]): JsonValue {
    const items = new Array<JsonValue>(0);
    for (let i = 0; i < values.length; i++) items.push(JsonValue.string(values[i]));
    return JsonValue.array(items);
  }

  static object(): JsonValue {
    return new JsonValue(JsonKind.Object);
  }

  get isNull(): bool {
    return this.kind == JsonKind.Null;
  }
  get isBool(): bool {
    return this.kind == JsonKind.Bool;
  }
  get isNumber(): bool {
    return this.kind == JsonKind.Number;
  }
  get isString(): bool {
    return this.kind == JsonKind.String;
  }
  get isArray(): bool {
    return this.kind == JsonKind.Array;
  }
  get isObject(): bool {
    return this.kind == JsonKind.Object;
  }

  /** "string", "number", ... — for error messages. */
  get kindName(): string {
    switch (this.kind) {
      case JsonKind.Null:
        return "null";
      case JsonKind.Bool:
        return "a boolean";
      case JsonKind.Number:
        return "a number";
      case JsonKind.String:
        return "a string";
      case JsonKind.Array:
        return "an array";
      default:
        return "an object";
    }
  }

  /** The string contents; "" for non-strings. */
  asString(): string {
    return this.kind == JsonKind.String ? this.text : "";
  }

  /** The boolean; false for non-booleans. */
  asBool(): bool {
    return this.kind == JsonKind.Bool && this.boolValue;
  }

  /** The number as f64; 0 for non-numbers. */
  asF64(): f64 {
    return this.kind == JsonKind.Number ? parseFloat(this.text) : 0;
  }

  /** The literal text of a number as it appeared in the JSON. */
  get numberText(): string {
    return this.kind == JsonKind.Number ? this.text : "";
  }

  /**
   * The number as an exact integer in [0, 2^63), or -1 when it is not such
   * an integer. Plain digits are read exactly (no rounding through f64); a
   * float literal (`1.5e3`) is accepted when it is a whole number below 2^53.
   */
  asNonNegativeInteger(): i64 {
    if (this.kind != JsonKind.Number) return -1;
    const text = this.text;
    let value: u64 = 0;
    let plainDigits = text.length > 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 48 || code > 57) {
        plainDigits = false;
        break;
      }
      const digit = <u64>(code - 48);
      // Refuse values that do not fit in i64 (the sign bit is our error flag).
      if (value > (<u64>i64.MAX_VALUE - digit) / 10) return -1;
      value = value * 10 + digit;
    }
    if (plainDigits) return <i64>value;
    const float = parseFloat(text);
    if (!(float >= 0) || float >= 9007199254740992.0 || Math.floor(float) != float) return -1;
    return <i64>float;
  }

  // ---- arrays ----

  get length(): i32 {
    if (this.kind == JsonKind.Array) return this.items.length;
    if (this.kind == JsonKind.Object) return this.keyList.length;
    return 0;
  }

  /** Array element `index`, or null when out of range / not an array. */
  at(index: i32): JsonValue | null {
    if (this.kind != JsonKind.Array || index < 0 || index >= this.items.length) return null;
    return this.items[index];
  }

  push(item: JsonValue): JsonValue {
    if (this.kind == JsonKind.Array) this.items.push(item);
    return this;
  }

  // ---- objects (insertion-ordered; duplicate keys: the last one wins, as in JS) ----

  keys(): string[] {
    return this.kind == JsonKind.Object ? this.keyList.slice(0) : [];
  }

  has(key: string): bool {
    return this.indexOfKey(key) >= 0;
  }

  /** Member `key`, or null when absent / not an object. */
  get(key: string): JsonValue | null {
    const index = this.indexOfKey(key);
    return index >= 0 ? this.items[index] : null;
  }

  /** Sets member `key` (replacing an existing one) and returns this object. */
  set(key: string, value: JsonValue): JsonValue {
    if (this.kind != JsonKind.Object) return this;
    const index = this.indexOfKey(key);
    if (index >= 0) {
      this.items[index] = value;
    } else {
      this.keyList.push(key);
      this.items.push(value);
    }
    return this;
  }

  private indexOfKey(key: string): i32 {
    if (this.kind != JsonKind.Object) return -1;
    for (let i = this.keyList.length - 1; i >= 0; i--) {
      if (this.keyList[i] == key) return i;
    }
    return -1;
  }
}
