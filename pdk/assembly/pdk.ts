// @proto-ts/pdk — write proto-compatible tool plugins in AssemblyScript.
//
//     import { readInput, writeOutput, pluginError, RegisterToolInput, RegisterToolOutput } from "@proto-ts/pdk";
//
//     export function register_tool(): i32 {
//       const input = readInput<RegisterToolInput>("register_tool", RegisterToolInput.fromJson);
//       if (input.isErr) return pluginError(input.error);
//       return writeOutput(new RegisterToolOutput("My Tool").toJson());
//     }
//
// Build with `proto-pdk-build src/plugin.ts --out my_tool.wasm`; see README.md.
export * from "./result";
export * from "./errors";
export * from "./output";
export * from "./json";
export * from "./config";
export * from "./env";
export * from "./paths";
export * from "./semver";
export * from "./types";
export * from "./host";
export * from "./log";
export * from "./fs";
export { readBlock, readBlockString, writeBlock, writeStringBlock, freeBlock, encodeUtf8, decodeUtf8 } from "./memory";
