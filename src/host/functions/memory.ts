/**
 * Reading arguments from and writing results to Extism memory blocks. Host functions touch
 * memory only through these helpers, over the four methods of `CallContext`: on the main thread
 * it is `../host-call-context.ts`, which serves the blocks the plugin's worker sent with the call
 * and records what is stored, for the worker to store for real.
 */
import { ProtoError } from '../../errors.js';
import { formatBytes } from '../../format-bytes.js';
import { MIB, raiseLimitHint } from '../../limits.js';

/** The part of the SDK's CallContext that host functions use (the SDK's own satisfies it). */
export interface CallContext {
  /** The block at `offset`, or null when there is none. */
  read(offset: bigint): { text(): string; bytes(): Uint8Array } | null;
  length(offset: bigint): bigint;
  /** A new block holding `bytes` (not empty: see storeBytes); returns its offset. */
  store(bytes: string | Uint8Array): bigint;
  /** A new zero-filled block of `size` bytes; returns its offset. */
  alloc(size: number): bigint;
}

/**
 * The block as text. Offset 0 is "no block" for every PDK (extism-pdk's `Memory::null()`): it
 * reads as "". A block larger than `maxBytes` is refused before it is read or decoded.
 */
export function readText(ctx: CallContext, offset: bigint, maxBytes = Infinity): string {
  if (offset === 0n) return '';
  const length = Number(ctx.length(offset));
  if (length > maxBytes) {
    throw new ProtoError('plugin.output_too_large', `the plugin passed ${formatBytes(length)}, more than the limit of ${formatBytes(maxBytes)}`, {
      hint: raiseLimitHint('pluginOutput', maxBytes / MIB, 'If the plugin really needs to pass this much'),
    });
  }
  return ctx.read(offset)?.text() ?? '';
}

export function readJson(ctx: CallContext, offset: bigint, what: string, maxBytes = Infinity): unknown {
  const text = readText(ctx, offset, maxBytes);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${what}: the plugin sent invalid JSON (${(error as Error).message}): ${text.slice(0, 200)}`);
  }
}

/**
 * Stores a result block and returns its offset. An empty result is a real zero-length block:
 * offset 0 is NOT empty in SDK 1.0.3, whose block 0 is one byte long, so a guest that asks
 * `length(0)` (extism-pdk does) reads the string "\0". `store` refuses zero bytes, `alloc(0)`
 * does not.
 */
export function storeBytes(ctx: CallContext, bytes: Uint8Array | string): bigint {
  if (bytes.length === 0) return ctx.alloc(0);
  return ctx.store(bytes);
}
