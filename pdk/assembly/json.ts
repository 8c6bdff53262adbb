// JSON for plugin authors: parse (with error messages), read typed fields,
// write compact JSON. See json/*.ts.
export { JsonKind, JsonValue } from "./json/value";
export { parseJson } from "./json/parse";
export { JsonReader } from "./json/reader";
export { JsonWriter, quote } from "./json/write";
