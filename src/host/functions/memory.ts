/**
 * Reading arguments from and writing results to Extism memory blocks, through the SDK's CallContext.
 * Only this file and `../extism-runtime.ts` know the SDK's CallContext API.
 */
import type { CallContext } from '@extism/extism';

export type { CallContext };

export function readText(ctx: CallContext, offset: bigint): string {
  return ctx.read(offset)?.text() ?? '';
}

export function readJson(ctx: CallContext, offset: bigint, what: string): unknown {
  const text = readText(ctx, offset);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${what}: the plugin sent invalid JSON (${(error as Error).message}): ${text.slice(0, 200)}`);
  }
}

/**
 * Stores a result block and returns its offset. The SDK cannot store a zero-length block
 * ("failed to store output"); offset 0 is the empty block every PDK reads as "".
 */
export function storeBytes(ctx: CallContext, bytes: Uint8Array | string): bigint {
  if (bytes.length === 0) return 0n;
  return ctx.store(bytes);
}
