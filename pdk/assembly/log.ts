// Logging through the Extism kernel (the host decides where it goes; proto
// shows it under `--log debug`). For messages meant for the user, or for the
// host's own log targets, use hostLog() from host.ts instead.
import { log_debug, log_error, log_info, log_warn } from "@extism/as-pdk/lib/env";
import { freeBlock, writeStringBlock } from "./memory";

export function logDebug(message: string): void {
  const block = writeStringBlock(message);
  log_debug(block);
  freeBlock(block);
}

export function logInfo(message: string): void {
  const block = writeStringBlock(message);
  log_info(block);
  freeBlock(block);
}

export function logWarn(message: string): void {
  const block = writeStringBlock(message);
  log_warn(block);
  freeBlock(block);
}

export function logError(message: string): void {
  const block = writeStringBlock(message);
  log_error(block);
  freeBlock(block);
}
