// A strict JSON (RFC 8259) parser that reports errors instead of aborting.
import { Result, ok, err } from "../result";
import { JsonValue } from "./value";

// Nesting limit: deep enough for any protocol payload, shallow enough that a
// hostile document cannot overflow the wasm stack (which would trap).
const MAX_DEPTH = 128;

/** Parses `text` as one JSON document (surrounding whitespace allowed). */
export function parseJson(text: string): Result<JsonValue> {
  const parser = new Parser(text);
  const value = parser.parseDocument();
  const failure = parser.failure;
  if (failure !== null) return err<JsonValue>(failure);
  return ok<JsonValue>(value);
}

class Parser {
  private pos: i32 = 0;
  private depth: i32 = 0;
  failure: string | null = null;

  constructor(private readonly src: string) {}

  parseDocument(): JsonValue {
    this.skipWhitespace();
    const value = this.parseValue();
    if (this.failure !== null) return value;
    this.skipWhitespace();
    if (this.pos < this.src.length) this.fail("unexpected " + this.describeCurrent() + " after the JSON value");
    return value;
  }

  private parseValue(): JsonValue {
    const code = this.peek();
    if (code == 0x7b /* { */) return this.parseObject();
    if (code == 0x5b /* [ */) return this.parseArray();
    if (code == 0x22 /* " */) return JsonValue.string(this.parseString());
    if (code == 0x2d /* - */ || isDigit(code)) return this.parseNumber();
    if (this.consumeWord("true")) return JsonValue.bool(true);
    if (this.consumeWord("false")) return JsonValue.bool(false);
    if (this.consumeWord("null")) return JsonValue.null();
    this.fail(code < 0 ? "unexpected end of input" : "unexpected " + this.describeCurrent());
    return JsonValue.null();
  }

  private parseObject(): JsonValue {
    const object = JsonValue.object();
    if (!this.enter()) return object;
    this.pos++; // {
    this.skipWhitespace();
    if (this.peek() == 0x7d /* } */) {
      this.pos++;
      this.depth--;
      return object;
    }
    while (this.failure === null) {
      this.skipWhitespace();
      if (this.peek() != 0x22) {
        this.fail("expected a string key, found " + this.describeCurrent());
        break;
      }
      const key = this.parseString();
      this.skipWhitespace();
      if (!this.expect(0x3a /* : */, "':' after an object key")) break;
      this.skipWhitespace();
      const value = this.parseValue();
      if (this.failure !== null) break;
      object.set(key, value);
      this.skipWhitespace();
      if (this.peek() == 0x2c /* , */) {
        this.pos++;
        continue;
      }
      this.expect(0x7d /* } */, "',' or '}' in an object");
      break;
    }
    this.depth--;
    return object;
  }

  private parseArray(): JsonValue {
    const array = JsonValue.array();
    if (!this.enter()) return array;
    this.pos++; // [
    this.skipWhitespace();
    if (this.peek() == 0x5d /* ] */) {
      this.pos++;
      this.depth--;
      return array;
    }
    while (this.failure === null) {
      this.skipWhitespace();
      const item = this.parseValue();
      if (this.failure !== null) break;
      array.push(item);
      this.skipWhitespace();
      if (this.peek() == 0x2c /* , */) {
        this.pos++;
        continue;
      }
      this.expect(0x5d /* ] */, "',' or ']' in an array");
      break;
    }
    this.depth--;
    return array;
  }

  private parseString(): string {
    const src = this.src;
    this.pos++; // opening quote
    const parts = new Array<string>(0);
    let chunkStart = this.pos;
    while (true) {
      const code = this.peek();
      if (code < 0) {
        this.fail("unterminated string");
        return "";
      }
      if (code == 0x22 /* " */) {
        parts.push(src.substring(chunkStart, this.pos));
        this.pos++;
        break;
      }
      if (code < 0x20) {
        this.fail("control character in a string (must be escaped)");
        return "";
      }
      if (code != 0x5c /* \ */) {
        this.pos++;
        continue;
      }
      parts.push(src.substring(chunkStart, this.pos));
      this.pos++; // backslash
      const escaped = this.parseEscape();
      if (this.failure !== null) return "";
      parts.push(escaped);
      chunkStart = this.pos;
    }
    return parts.length == 1 ? parts[0] : parts.join("");
  }

  /** After a backslash: returns the escaped character(s). */
  private parseEscape(): string {
    const code = this.peek();
    this.pos++;
    switch (code) {
      case 0x22:
        return '"';
      case 0x5c:
        return "\\";
      case 0x2f:
        return "/";
      case 0x62:
        return "\b";
      case 0x66:
        return "\f";
      case 0x6e:
        return "\n";
      case 0x72:
        return "\r";
      case 0x74:
        return "\t";
      case 0x75: {
        // \uXXXX is one UTF-16 code unit, which is exactly what an
        // AssemblyScript string holds, so surrogate pairs need no special case.
        const unit = this.parseHex4();
        return unit < 0 ? "" : String.fromCharCode(unit);
      }
    }
    this.pos--;
    this.fail("invalid escape sequence \\" + (code < 0 ? "" : String.fromCharCode(code)));
    return "";
  }

  private parseHex4(): i32 {
    let unit = 0;
    for (let i = 0; i < 4; i++) {
      const digit = hexValue(this.peek());
      if (digit < 0) {
        this.fail("invalid \\u escape (expected 4 hex digits)");
        return -1;
      }
      unit = (unit << 4) | digit;
      this.pos++;
    }
    return unit;
  }

  private parseNumber(): JsonValue {
    const start = this.pos;
    if (this.peek() == 0x2d) this.pos++;
    if (this.peek() == 0x30 /* 0 */) {
      this.pos++;
    } else if (!this.skipDigits()) {
      this.fail("invalid number");
      return JsonValue.null();
    }
    if (this.peek() == 0x2e /* . */) {
      this.pos++;
      if (!this.skipDigits()) {
        this.fail("invalid number (digits expected after '.')");
        return JsonValue.null();
      }
    }
    const exponent = this.peek();
    if (exponent == 0x65 || exponent == 0x45 /* e E */) {
      this.pos++;
      const sign = this.peek();
      if (sign == 0x2b || sign == 0x2d) this.pos++;
      if (!this.skipDigits()) {
        this.fail("invalid number (digits expected in the exponent)");
        return JsonValue.null();
      }
    }
    return JsonValue.numberLiteral(this.src.substring(start, this.pos));
  }

  private skipDigits(): bool {
    const start = this.pos;
    while (isDigit(this.peek())) this.pos++;
    return this.pos > start;
  }

  private consumeWord(word: string): bool {
    if (this.src.length - this.pos < word.length) return false;
    if (this.src.substring(this.pos, this.pos + word.length) != word) return false;
    this.pos += word.length;
    return true;
  }

  private enter(): bool {
    if (++this.depth > MAX_DEPTH) {
      this.fail("nesting deeper than " + MAX_DEPTH.toString() + " levels");
      return false;
    }
    return true;
  }

  private expect(code: i32, what: string): bool {
    if (this.peek() == code) {
      this.pos++;
      return true;
    }
    this.fail("expected " + what + ", found " + this.describeCurrent());
    return false;
  }

  private skipWhitespace(): void {
    while (true) {
      const code = this.peek();
      if (code != 0x20 && code != 0x0a && code != 0x0d && code != 0x09) return;
      this.pos++;
    }
  }

  /** Current code unit, or -1 at the end. */
  private peek(): i32 {
    return this.pos < this.src.length ? <i32>this.src.charCodeAt(this.pos) : -1;
  }

  private describeCurrent(): string {
    const code = this.peek();
    if (code < 0) return "end of input";
    return "'" + String.fromCharCode(code) + "'";
  }

  private fail(message: string): void {
    if (this.failure === null) {
      this.failure = "invalid JSON at offset " + this.pos.toString() + ": " + message;
    }
  }
}

function isDigit(code: i32): bool {
  return code >= 0x30 && code <= 0x39;
}

function hexValue(code: i32): i32 {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  return -1;
}
