// Typed, error-collecting access to a JSON object, used by every `fromJson`.
//
// Accessors never fail hard: a missing or mistyped field records an error
// (the first one wins, with the field's path, e.g. `context.temp_dir`) and
// returns a harmless default, so decoding code reads straight through and the
// caller checks `reader.failed` once at the end.
import { Result, ok, err } from "../result";
import { JsonValue } from "./value";

class DecodeErrors {
  first: string | null = null;
}

export class JsonReader {
  private constructor(
    /** The object being read (an empty object after a type error). */
    readonly json: JsonValue,
    /** Dotted path of this object from the root, "" for the root. */
    readonly path: string,
    private readonly errors: DecodeErrors,
  ) {}

  /** Reads `value`, which must be an object; `what` names it in errors. */
  static root(value: JsonValue, what: string = "input"): JsonReader {
    const reader = new JsonReader(value, "", new DecodeErrors());
    if (!value.isObject) {
      reader.errors.first = what + " must be a JSON object, got " + value.kindName;
      return new JsonReader(JsonValue.object(), "", reader.errors);
    }
    return reader;
  }

  get failed(): bool {
    return this.errors.first !== null;
  }

  /** The first recorded error, "" when none. */
  get error(): string {
    const first = this.errors.first;
    return first !== null ? first : "";
  }

  /** `value` on success, else the first recorded error. */
  finish<T>(value: T): Result<T> {
    const first = this.errors.first;
    if (first !== null) return err<T>(first);
    return ok<T>(value);
  }

  /** Records an error about field `key` of this object. */
  fail(key: string, problem: string): void {
    if (this.errors.first === null) {
      this.errors.first = "field `" + this.pathOf(key) + "` " + problem;
    }
  }

  has(key: string): bool {
    return this.json.has(key);
  }

  /** The raw member, or null when absent or JSON null. */
  value(key: string): JsonValue | null {
    const value = this.json.get(key);
    if (value === null || value.isNull) return null;
    return value;
  }

  // ---- strings ----

  string(key: string): string {
    const value = this.value(key);
    if (value === null) {
      this.fail(key, "is missing");
      return "";
    }
    return this.expectString(key, value);
  }

  /** null when absent or JSON null. */
  optionalString(key: string): string | null {
    const value = this.value(key);
    if (value === null) return null;
    return this.expectString(key, value);
  }

  stringOr(key: string, fallback: string): string {
    const value = this.optionalString(key);
    return value !== null ? value : fallback;
  }

  // ---- booleans and numbers ----

  boolOr(key: string, fallback: bool): bool {
    const value = this.value(key);
    if (value === null) return fallback;
    if (!value.isBool) {
      this.fail(key, "must be a boolean, got " + value.kindName);
      return fallback;
    }
    return value.asBool();
  }

  /** Non-negative integer up to i64::MAX; `fallback` when absent. */
  unsignedOr(key: string, fallback: i64): i64 {
    const value = this.value(key);
    if (value === null) return fallback;
    const number = value.asNonNegativeInteger();
    if (number < 0) {
      this.fail(key, "must be a non-negative integer, got " + (value.isNumber ? value.numberText : value.kindName));
      return fallback;
    }
    return number;
  }

  /** Any integer in i32 range; `fallback` when absent. */
  integerOr(key: string, fallback: i32): i32 {
    const value = this.value(key);
    if (value === null) return fallback;
    const number = value.asF64();
    if (!value.isNumber || Math.floor(number) != number || number < -2147483648 || number > 2147483647) {
      this.fail(key, "must be an integer, got " + (value.isNumber ? value.numberText : value.kindName));
      return fallback;
    }
    return <i32>number;
  }

  // ---- nested objects ----

  object(key: string): JsonReader {
    const reader = this.optionalObject(key);
    if (reader !== null) return reader;
    this.fail(key, "is missing");
    return this.child(key, JsonValue.object());
  }

  optionalObject(key: string): JsonReader | null {
    const value = this.value(key);
    if (value === null) return null;
    if (!value.isObject) {
      this.fail(key, "must be an object, got " + value.kindName);
      return this.child(key, JsonValue.object());
    }
    return this.child(key, value);
  }

  // ---- collections ----

  stringArray(key: string): string[] {
    const values = this.optionalStringArray(key);
    if (values !== null) return values;
    this.fail(key, "is missing");
    return [];
  }

  optionalStringArray(key: string): string[] | null {
    const value = this.value(key);
    if (value === null) return null;
    if (!value.isArray) {
      this.fail(key, "must be an array of strings, got " + value.kindName);
      return [];
    }
    const values = new Array<string>(0);
    for (let i = 0; i < value.length; i++) {
      const item = value.at(i)!;
      if (!item.isString) {
        this.fail(key + "[" + i.toString() + "]", "must be a string, got " + item.kindName);
        return [];
      }
      values.push(item.asString());
    }
    return values;
  }

  /** An object of string values, e.g. `{"NAME": "value"}`. */
  optionalStringMap(key: string): Map<string, string> | null {
    const value = this.value(key);
    if (value === null) return null;
    const map = new Map<string, string>();
    if (!value.isObject) {
      this.fail(key, "must be an object of strings, got " + value.kindName);
      return map;
    }
    const keys = value.keys();
    for (let i = 0; i < keys.length; i++) {
      const item = value.get(keys[i])!;
      if (!item.isString) {
        this.fail(key + "." + keys[i], "must be a string, got " + item.kindName);
        return map;
      }
      map.set(keys[i], item.asString());
    }
    return map;
  }

  /** Readers for each object in an array field (absent ⇒ empty). */
  objectArray(key: string): JsonReader[] {
    const readers = new Array<JsonReader>(0);
    const value = this.value(key);
    if (value === null) return readers;
    if (!value.isArray) {
      this.fail(key, "must be an array, got " + value.kindName);
      return readers;
    }
    for (let i = 0; i < value.length; i++) {
      const item = value.at(i)!;
      const itemKey = key + "[" + i.toString() + "]";
      if (!item.isObject) {
        this.fail(itemKey, "must be an object, got " + item.kindName);
        return [];
      }
      readers.push(this.child(itemKey, item));
    }
    return readers;
  }

  private expectString(key: string, value: JsonValue): string {
    if (!value.isString) {
      this.fail(key, "must be a string, got " + value.kindName);
      return "";
    }
    return value.asString();
  }

  private child(key: string, value: JsonValue): JsonReader {
    return new JsonReader(value, this.pathOf(key), this.errors);
  }

  private pathOf(key: string): string {
    return this.path.length > 0 ? this.path + "." + key : key;
  }
}
