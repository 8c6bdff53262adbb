// Protocol types: one class per plugin-function input/output. Inputs decode
// with `static fromJson(json: JsonReader)` (pass it to readInput); outputs
// encode with `toJson()` (pass it to writeOutput). Field names are camelCase
// here and snake_case on the wire, exactly as proto spells them.
export * from "./types/context";
export * from "./types/tool";
export * from "./types/versions";
export * from "./types/install";
export * from "./types/globals";
export * from "./types/host";
export * from "./types/hooks";
